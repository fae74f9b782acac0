/**
 * A previous schema copied from the cache holds the tools' bookkeeping rows an earlier run wrote: the release's ups and
 * downs must then see that table exactly as after a cold build, so a warm run gives the cold run's verdict.
 */
import { describe, expect, it } from "vitest";
import { createRepo, type TestRepo } from "@shipgate/test-utils";
import { shipgate } from "./helpers.js";
import { layouts, migrationFiles, type Layout, type LayoutName, type Step } from "./layouts.js";

interface JsonReport {
  findings: { rule: string; severity: string; path?: string; line?: number; message: string }[];
  policies: { id: string; notice?: string; details?: { dynamic?: Record<string, unknown> } }[];
}

const PREVIOUS: Step[] = [
  { name: "accounts", up: "CREATE TABLE accounts (id bigserial PRIMARY KEY, email text NOT NULL);\n", down: "DROP TABLE accounts;\n" },
  { name: "orders", up: "CREATE TABLE orders (id bigserial PRIMARY KEY, account_id bigint REFERENCES accounts (id));\n", down: "DROP TABLE orders;\n" },
];

/** What the tool's table holds while it runs the down of migration 3 (the release's), after migrations 1 and 2. */
const DURING_DOWN: Partial<Record<LayoutName, string>> = {
  // golang-migrate writes the version it goes back to, dirty, before running the down (migrate.go, SetVersion).
  "golang-migrate": "EXISTS (SELECT 1 FROM schema_migrations WHERE version = 2 AND dirty) AND (SELECT count(*) FROM schema_migrations) = 1",
  // Diesel deletes a migration's row only after its down ran.
  diesel: "(SELECT count(*) FROM __diesel_schema_migrations) = 3",
};

/** A DO block that fails unless `condition` holds. */
function failsUnless(condition: string, what: string): string {
  return `DO $$ BEGIN IF NOT (${condition}) THEN RAISE EXCEPTION '${what}'; END IF; END $$;\n`;
}

/** The release: a column, its up checking the previous migrations are recorded, its down checking what the tool wrote. */
function release(layout: Layout): Step {
  const { table } = layout.bookkeeping;
  const during = DURING_DOWN[layout.name];
  return {
    name: "note",
    up: `SET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN note text;\n${failsUnless(`(SELECT count(*) FROM ${table}) >= 1`, `nothing recorded in ${table}`)}`,
    down: `${during ? failsUnless(during, `${table} is not as the tool leaves it`) : ""}ALTER TABLE orders DROP COLUMN note;\n`,
  };
}

function project(layout: Layout): TestRepo {
  const repo = createRepo({ files: { ".shipgate.yml": layout.config, ...migrationFiles(layout, PREVIOUS) }, message: "feat: accounts" });
  repo.git("tag", "v1.0");
  repo.commit("feat: note", migrationFiles(layout, [release(layout)], PREVIOUS.length + 1));
  return repo;
}

async function gate(repo: TestRepo): Promise<{ code: number; findings: JsonReport["findings"]; dynamic: Record<string, unknown>; notice: string }> {
  const result = await shipgate(repo, ["gate", "--from", "v1.0", "--to", "HEAD", "--format", "json"]);
  const report = JSON.parse(result.stdout) as JsonReport;
  const run = report.policies.find((p) => p.id === "migrations");
  return { code: result.code, findings: report.findings, dynamic: run?.details?.dynamic ?? {}, notice: run?.notice ?? "" };
}

describe.each(["golang-migrate", "diesel", "prisma"] as const)("the schema cache with %s's bookkeeping table", (name) => {
  it("gives the same findings and summary when the previous schema is copied from the cache as when it is built", async () => {
    const repo = project(layouts[name]);
    const cold = await gate(repo);
    const warm = await gate(repo);
    expect(cold.dynamic).toMatchObject({ status: "ran", previous: 2, cached: 0, applied: 1 });
    expect(cold.notice).toContain("built the previous schema from 2 migrations");
    expect(warm.dynamic).toMatchObject({ cached: 2 });
    expect(warm.notice).toContain("copied the previous schema (2 migrations) from the cache");
    expect({ ...warm, dynamic: { ...warm.dynamic, cached: 0 }, notice: "" }).toEqual({ ...cold, notice: "" });
    expect(cold.findings).toEqual([]);
    expect(cold.code).toBe(0);
    if (name !== "prisma") expect(cold.dynamic["downs"]).toEqual({ verified: 1, total: 1 });
  }, 120_000);
});
