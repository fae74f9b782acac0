/** The previous release's schema kept on a PostgreSQL server as a template database: copied only when it is sound. */
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestRepo } from "@shipgate/test-utils";
import { releasedAccounts, verifyRange, type Verdict } from "./fixtures.js";
import { startPostgres, type PostgresServer } from "./helpers.js";

let server: PostgresServer;
let repo: TestRepo;
let cold: Verdict;
const templates = () => server.psql("SELECT datname FROM pg_database WHERE datname LIKE 'shipgate\\_schema\\_%' ORDER BY datname").split("\n").filter(Boolean);
const verify = (from: string, env: Record<string, string> = {}) => verifyRange(repo, from, env, server.url);

beforeAll(async () => {
  server = await startPostgres();
  repo = releasedAccounts();
  cold = verify("v1");
}, 180_000);
afterAll(() => server?.stop());

describe("the schema cache on a PostgreSQL server", () => {
  it("copies a template database on a warm run, gives the cold run's verdict and leaves no verification database", () => {
    expect(cold.code).toBe(1);
    expect(cold.findings).toEqual([expect.stringMatching(/^db\/migrations\/004_state\.up\.sql:2 \[old-query-broken\] old query open_accounts/)]);
    expect(cold.debug).toMatch(/built template shipgate_schema_[0-9a-f]{40} \(0 of 3 migrations from a template\)/);
    const [name] = templates();
    expect(templates()).toHaveLength(1);
    expect(server.psql(`SELECT datistemplate, datallowconn FROM pg_database WHERE datname = '${name}'`)).toBe("t|f");
    const warm = verify("v1");
    expect(warm.debug).toMatch(new RegExp(`previous schema from template ${name} \\(3 migrations\\)`));
    expect({ code: warm.code, findings: warm.findings }).toEqual({ code: cold.code, findings: cold.findings });
    expect(server.psql("SELECT datname FROM pg_database WHERE datname LIKE 'shipgate\\_verify\\_%'")).toBe("");
  }, 180_000);

  it("drops and rebuilds a template whose schema was changed or that another version made", () => {
    const [name] = templates();
    server.psql(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`);
    psqlIn(server, name ?? "", "DROP TABLE orders");
    server.psql(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS false`);
    const altered = verify("v1");
    expect(altered.debug).toMatch(/ignored template shipgate_schema_[0-9a-f]{40}: its catalog differs from the one stored with it; it is rebuilt/);
    expect({ code: altered.code, findings: altered.findings }).toEqual({ code: cold.code, findings: cold.findings });
    server.psql(
      `DO $$ BEGIN EXECUTE format('COMMENT ON DATABASE ${name} IS %L', replace(shobj_description((SELECT oid FROM pg_database WHERE datname = '${name}'), 'pg_database'), '"kind":"pg-template-1"', '"kind":"pg-template-0"')); END $$`,
    );
    const foreign = verify("v1");
    expect(foreign.debug).toMatch(/built template .* \(0 of 3 migrations from a template\)/);
    expect({ code: foreign.code, findings: foreign.findings }).toEqual({ code: cold.code, findings: cold.findings });
    expect(verify("v1").debug).toMatch(/previous schema from template/);
    expect(templates()).toEqual([name]);
  }, 300_000);

  it("builds a later release's template from the earlier one and keeps at most SHIPGATE_CACHE_MAX_TEMPLATES", () => {
    const [old] = templates();
    repo.git("tag", "v2");
    repo.commit("feat: tags", { "db/migrations/005_tags.up.sql": "CREATE TABLE tags (id int);\n", "db/migrations/005_tags.down.sql": "DROP TABLE tags;\n" });
    const run = verify("v2", { SHIPGATE_CACHE_MAX_TEMPLATES: "1" });
    expect(run.debug).toMatch(new RegExp(`built template shipgate_schema_[0-9a-f]{40} \\(3 of 4 migrations from a template\\); evicted ${old}`));
    expect(run.code).toBe(0);
    expect(templates()).toHaveLength(1);
    expect(templates()).not.toContain(old);
    expect(server.psql("SELECT datname FROM pg_database WHERE datname LIKE 'shipgate\\_verify\\_%'")).toBe("");
  }, 300_000);

  it("makes no template when SHIPGATE_CACHE=off", () => {
    const before = templates();
    repo.commit("feat: more", { "db/migrations/006_more.up.sql": "CREATE TABLE more (id int);\n", "db/migrations/006_more.down.sql": "DROP TABLE more;\n" });
    repo.git("tag", "v3", "HEAD~1");
    const run = verify("v3", { SHIPGATE_CACHE: "off" });
    expect(run.debug).not.toMatch(/template/);
    expect(run.code).toBe(0);
    expect(templates()).toEqual(before);
  }, 300_000);
});

/** psql on another database of the test server. */
function psqlIn(pg: PostgresServer, database: string, sql: string): void {
  const url = new URL(pg.url);
  const result = spawnSync("psql", ["-h", url.hostname, "-p", url.port, "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-c", sql], {
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`psql failed: ${result.stderr}`);
}
