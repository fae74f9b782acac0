/**
 * The dynamic check on migrations as real projects write them, in every layout and on both engines: extensions the old
 * migrations create, the migration tool's own bookkeeping table, an old schema that cannot be built here, and a down
 * chain that does not restore what its ups changed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepo, type TestRepo } from "@shipgate/test-utils";
import { shipgate, startPostgres, type PostgresServer } from "./helpers.js";
import { bookkeepingCheck, layouts, LAYOUTS, LAYOUTS_WITH_DOWNS, migrationFiles, type Layout, type Step } from "./layouts.js";

interface Dynamic {
  status: "ran" | "skipped" | "inconclusive";
  reason?: string;
  engine?: string;
  extensions?: string[];
  previous?: number;
  added?: number;
  applied?: number;
  queries?: { declared: number; prepared: number; stillPrepare: number };
  downs?: { verified: number; total: number; skipped?: string };
}

interface JsonReport {
  exitCode: number;
  findings: { message: string; severity: string; path?: string; line?: number; inconclusive?: boolean }[];
  policies: { id: string; status: string; notice?: string; details?: { dynamic?: Dynamic } }[];
}

const QUERIES = { "queries/accounts.sql": "-- name: find_account\n-- params: text\nSELECT id, email, token FROM accounts WHERE email = $1;\n" };

const INIT: Step = {
  name: "init",
  up: `CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
CREATE EXTENSION IF NOT EXISTS citext;
CREATE TABLE accounts (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), email citext NOT NULL, token uuid NOT NULL DEFAULT uuid_generate_v4());
`,
  down: "DROP TABLE accounts;\n",
};

/** The release: more extensions, a table that uses them, and a statement that reads the tool's bookkeeping table. */
function categories(layout: Layout): Step {
  return {
    name: "categories",
    up: `CREATE EXTENSION IF NOT EXISTS ltree;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE categories (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), path ltree NOT NULL, name text NOT NULL);
CREATE INDEX categories_name_trgm ON categories USING gin (name gin_trgm_ops);
${bookkeepingCheck(layout)}`,
    down: "DROP TABLE categories;\nDROP EXTENSION pg_trgm;\nDROP EXTENSION ltree;\n",
  };
}

/** v1.0 has `steps`; the commit after it adds `release` (numbered after them). */
function project(layout: Layout, steps: readonly Step[], release: readonly Step[], extra: Record<string, string> = {}): TestRepo {
  const repo = createRepo({
    files: { ".shipgate.yml": `${layout.config}  queries: ["queries/**/*.sql"]\n`, ...QUERIES, ...extra, ...migrationFiles(layout, steps) },
    message: "feat: accounts",
  });
  repo.git("tag", "v1.0");
  repo.commit("feat: release", migrationFiles(layout, release, steps.length + 1));
  return repo;
}

function migrationsRun(report: JsonReport): JsonReport["policies"][number] {
  const run = report.policies.find((p) => p.id === "migrations");
  if (!run) throw new Error(`no migrations policy in ${JSON.stringify(report.policies)}`);
  return run;
}

const engines = [
  { engine: "PGlite", label: /^PGlite 0\.5\.\d+ \(PostgreSQL 18\.\d+\)$/ },
  { engine: "PostgreSQL", label: /^PostgreSQL 1\d\.\d+ at 127\.0\.0\.1:\d+$/ },
] as const;

describe.each(engines)("the dynamic check on $engine", ({ engine, label }) => {
  let server: PostgresServer | null = null;
  beforeAll(async () => {
    if (engine === "PostgreSQL") server = await startPostgres();
  });
  afterAll(() => server?.stop());
  const gate = async (repo: TestRepo, extra: string[] = []): Promise<{ code: number; report: JsonReport; stderr: string }> => {
    const database = server ? ["--database", server.url] : [];
    const result = await shipgate(repo, ["gate", "--from", "v1.0", "--to", "HEAD", "--format", "json", ...database, ...extra]);
    return { code: result.code, report: JSON.parse(result.stdout) as JsonReport, stderr: result.stderr };
  };

  it.each(LAYOUTS)("builds a %s project's schema with its extensions and the tool's bookkeeping table, and passes its release", async (name) => {
    const layout = layouts[name];
    const { code, report } = await gate(project(layout, [INIT], [categories(layout)]));
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    const dynamic = migrationsRun(report).details?.dynamic;
    expect(dynamic).toMatchObject({ status: "ran", previous: 1, added: 1, applied: 1, queries: { declared: 1, prepared: 1, stillPrepare: 1 } });
    expect(dynamic?.engine).toMatch(label);
    if (engine === "PGlite") expect(dynamic?.extensions).toEqual(["citext", "ltree", "pg_trgm", "pgcrypto", "uuid-ossp"]);
    expect(dynamic?.downs).toMatchObject(LAYOUTS_WITH_DOWNS.includes(name) ? { verified: 1, total: 1 } : { verified: 0, total: 0 });
  });

  it.each(LAYOUTS)("says it cannot reproduce a %s project's previous schema here when an old migration needs an extension it lacks (exit 2)", async (name) => {
    const layout = layouts[name];
    const gis: Step = {
      name: "places",
      up: "CREATE EXTENSION IF NOT EXISTS postgis;\nCREATE TABLE places (id bigint PRIMARY KEY);\n",
      down: "DROP TABLE places;\n",
    };
    const note: Step = {
      name: "note",
      up: "SET lock_timeout = '2s';\nALTER TABLE accounts ADD COLUMN note text;\n",
      down: "ALTER TABLE accounts DROP COLUMN note;\n",
    };
    const { code, report } = await gate(project(layout, [INIT, gis], [note]));
    expect(report.findings).toHaveLength(1);
    const [finding] = report.findings;
    expect(finding).toMatchObject({ severity: "error", inconclusive: true });
    expect(finding?.path).toBeUndefined();
    expect(finding?.message).toContain("cannot reproduce the previous release's schema here");
    expect(finding?.message).toContain(layout.upAt(2, gis));
    expect(finding?.message).toContain("postgis");
    expect(finding?.message).not.toContain("note");
    if (engine === "PGlite")
      expect(finding?.message).toMatch(/needs extension postgis, which PGlite 0\.5\.\d+ \(PostgreSQL 18\.\d+\) does not bundle \(it bundles .*pgcrypto.*\)/);
    else expect(finding?.message).toMatch(/needs extension postgis, which PostgreSQL 1\d\.\d+ at 127\.0\.0\.1:\d+ does not have/);
    expect(JSON.stringify(finding)).toContain("--database");
    expect(migrationsRun(report).details?.dynamic).toMatchObject({ status: "inconclusive" });
    expect(code).toBe(2);
  });

  it("still refuses a release with a static error when the previous schema cannot be built here (exit 1)", async () => {
    const layout = layouts.diesel;
    const owner: Step = { name: "owner", up: "ALTER TABLE accounts OWNER TO app_owner;\n", down: "SELECT 1;\n" };
    const drop: Step = { name: "drop_token", up: "SET lock_timeout = '2s';\nALTER TABLE accounts DROP COLUMN token;\n", down: "SELECT 1;\n" };
    const { code, report } = await gate(project(layout, [INIT, owner], [drop]));
    const messages = report.findings.map((f) => f.message);
    expect(messages).toContainEqual(expect.stringMatching(/^\[drop-column\] drops column accounts\.token/));
    expect(messages).toContainEqual(
      expect.stringMatching(
        /cannot reproduce the previous release's schema here: migrations\/2024-02-01-000000_owner\/up\.sql:1 fails: role "app_owner" does not exist/,
      ),
    );
    expect(code).toBe(1);
  });

  it.each(LAYOUTS_WITH_DOWNS)("names the %s migration whose down does not restore what its up changed, not the whole release", async (name) => {
    const layout = layouts[name];
    const release: Step[] = [
      { name: "audit", up: "CREATE TABLE audit (id bigint PRIMARY KEY);\n", down: "DROP TABLE audit;\n" },
      { name: "bio", up: "SET lock_timeout = '2s';\nALTER TABLE accounts ADD COLUMN bio text;\n", down: "DROP TABLE IF EXISTS bio_history;\n" },
      { name: "tags", up: "CREATE TABLE tags (id bigint PRIMARY KEY);\n", down: "DROP TABLE tags;\n" },
    ];
    const { code, report } = await gate(project(layout, [INIT], release));
    const mismatches = report.findings.filter((f) => f.message.startsWith("[down-mismatch]"));
    expect(mismatches).toHaveLength(1);
    const [mismatch] = mismatches;
    expect(mismatch?.path).toBe(layout.downPath(3, release[1] as Step));
    expect(mismatch?.message).toContain(layout.label(3, release[1] as Step));
    expect(mismatch?.message).toContain("left behind column public.accounts.bio text");
    expect(mismatch?.message).not.toContain(layout.label(2, release[0] as Step));
    expect(mismatch?.message).not.toContain(layout.label(4, release[2] as Step));
    expect(migrationsRun(report).details?.dynamic?.downs).toMatchObject({ verified: 1, total: 3 });
    expect(code).toBe(1);
  });
});

describe("what the report says about the dynamic check", () => {
  const note: Step = {
    name: "note",
    up: "SET lock_timeout = '2s';\nALTER TABLE accounts ADD COLUMN note text;\n",
    down: "ALTER TABLE accounts DROP COLUMN note;\n",
  };

  it("names the engine, its extensions, and counts the migrations, queries and downs in the text report", async () => {
    const result = await shipgate(project(layouts.diesel, [INIT], [note]), ["gate", "--from", "v1.0", "--to", "HEAD"]);
    expect(result.stdout).toMatch(
      /dynamic check ran on PGlite 0\.5\.\d+ \(PostgreSQL 18\.\d+\) with extensions citext, pgcrypto, uuid-ossp: built the previous schema from 1 migration, applied 1 of 1 new, 1 of 1 old queries still prepare, 1 of 1 downs restore the schema/,
    );
    expect(result.code).toBe(0);
  });

  it("says it skipped the database and why with --static", async () => {
    const result = await shipgate(project(layouts.diesel, [INIT], [note]), ["gate", "--from", "v1.0", "--to", "HEAD", "--static", "--format", "json"]);
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(migrationsRun(report).details?.dynamic).toEqual({ status: "skipped", reason: "turned off (--static or migrations.dynamic: false)" });
    expect(migrationsRun(report).notice).toBe("dynamic check skipped: turned off (--static or migrations.dynamic: false)");
    expect(result.code).toBe(0);
  });

  it("says it skipped the database when the release adds no migration", async () => {
    const repo = project(layouts.dbmate, [INIT], []);
    repo.commit("docs: readme", { "README.md": "accounts\n" });
    const result = await shipgate(repo, ["gate", "--from", "v1.0", "--to", "HEAD"]);
    expect(result.stdout).toContain("dynamic check skipped: the release adds no migration");
    expect(result.code).toBe(0);
  });

  it("says it cannot verify a release that needs an extension PGlite does not bundle, naming the fix (exit 2)", async () => {
    const vector: Step = {
      name: "embeddings",
      up: "CREATE EXTENSION IF NOT EXISTS vector;\nCREATE TABLE embeddings (id bigint PRIMARY KEY);\n",
      down: "DROP TABLE embeddings;\nDROP EXTENSION vector;\n",
    };
    const result = await shipgate(project(layouts["golang-migrate"], [INIT], [vector]), ["gate", "--from", "v1.0", "--to", "HEAD"]);
    expect(result.stdout).toMatch(
      /cannot verify this release here: db\/migrations\/000002_embeddings\.up\.sql:1 needs extension vector, which PGlite 0\.5\.\d+ \(PostgreSQL 18\.\d+\) does not bundle/,
    );
    expect(result.stdout).toContain("--database");
    expect(result.stdout).not.toContain("[apply-failed]");
    expect(result.code).toBe(2);
  });
});
