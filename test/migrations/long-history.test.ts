/**
 * A long-lived Diesel project (300+ migrations with extensions, CREATE TABLE ... AS, enum renames and reads of Diesel's
 * own table) through `shipgate gate`: the embedded PGlite and a real PostgreSQL server give the same verdicts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepo, type TestRepo } from "@shipgate/test-utils";
import { shipgate, startPostgres, type PostgresServer } from "./helpers.js";
import { badRelease, goodRelease, history, importProject } from "./long-history.js";

interface JsonReport {
  exitCode: number;
  findings: { message: string; severity: string; path?: string; line?: number }[];
  policies: { id: string; details?: { dynamic?: Record<string, unknown> } }[];
}

/** What must not depend on the engine: exit code, each finding's rule and place, and the dynamic check's counts. */
interface Verdict {
  exitCode: number;
  findings: string[];
  dynamic: Record<string, unknown>;
}

const old = history();
let server: PostgresServer;
let repo: TestRepo;

beforeAll(async () => {
  server = await startPostgres();
  repo = createRepo();
  importProject(repo, old, goodRelease(old.length), badRelease());
});
afterAll(() => server?.stop());

async function verdict(to: string, database: string[]): Promise<Verdict> {
  const result = await shipgate(repo, ["gate", "--from", "v1.0", "--to", to, "--format", "json", ...database]);
  const report = JSON.parse(result.stdout) as JsonReport;
  // `cached` depends on the runs before (the schema cache); the verdict must not.
  const { engine, extensions, cached, ...dynamic } = report.policies.find((p) => p.id === "migrations")?.details?.dynamic ?? {};
  expect(engine).toEqual(expect.any(String));
  expect(cached).toEqual(expect.any(Number));
  expect(extensions).toEqual(expect.any(Array));
  return {
    exitCode: result.code,
    findings: report.findings.map((f) => `${f.severity} ${f.path ?? ""}:${f.line ?? ""} ${f.message.slice(0, f.message.indexOf("]") + 1)}`),
    dynamic,
  };
}

describe("a 300+ migration Diesel history", () => {
  it("has the shapes it claims", () => {
    const text = old.map((m) => m.up).join("\n");
    expect(old.length).toBeGreaterThanOrEqual(300);
    for (const shape of ["CREATE EXTENSION", " AS SELECT ", "RENAME VALUE", "ALTER TYPE state_0 RENAME TO", "__diesel_schema_migrations"])
      expect(text).toContain(shape);
  });

  it("passes a release that only expands, with the same verdict on PGlite and on PostgreSQL", async () => {
    const pglite = await verdict("main", []);
    const postgres = await verdict("main", ["--database", server.url]);
    expect(pglite).toEqual({
      exitCode: 0,
      findings: [],
      dynamic: {
        status: "ran",
        previous: old.length,
        added: 4,
        applied: 4,
        queries: { declared: 4, prepared: 4, stillPrepare: 4 },
        downs: { verified: 4, total: 4 },
      },
    });
    expect(postgres).toEqual(pglite);
  });

  it("refuses a release that breaks old queries through dynamic SQL, with the same verdict on PGlite and on PostgreSQL", async () => {
    const pglite = await verdict("bad", []);
    const postgres = await verdict("bad", ["--database", server.url]);
    const rename = `migrations/2020-01-01-${String(old.length + 2).padStart(6, "0")}_rename_name/up.sql`;
    expect(pglite.exitCode).toBe(1);
    expect(pglite.findings).toEqual([`error ${rename}:2 [old-query-broken]`]);
    expect(pglite.dynamic).toMatchObject({
      status: "ran",
      applied: 2,
      queries: { declared: 4, prepared: 4, stillPrepare: 3 },
      downs: { verified: 2, total: 2 },
    });
    expect(postgres).toEqual(pglite);
  });
});
