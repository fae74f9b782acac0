import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { releasedShop, shipgate, startPostgres, type PostgresServer } from "./helpers.js";

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(() => server?.stop());

describe("dynamic verification on a real PostgreSQL server", () => {
  it("passes a compatible release, runs the old release's tests against it and checks the dbmate down", async () => {
    const repo = releasedShop();
    repo.commit("feat: notes", {
      "db/migrations/20240201000000_notes.sql":
        "-- migrate:up\nSET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN note text;\n\n-- migrate:down\nALTER TABLE orders DROP COLUMN note;\n",
    });
    const result = await shipgate(repo, ["gate", "--from", "v1.0", "--to", "HEAD", "--database", server.url]);
    expect(result.stdout).not.toContain("[old-tests-failed]");
    expect(result.code).toBe(0);
  });

  it("refuses a release whose static check passes but whose old queries and tests break", async () => {
    const repo = releasedShop();
    const up = "-- migrate:up\nSET lock_timeout = '2s';\nDO $$ BEGIN EXECUTE 'ALTER TABLE orders RENAME COLUMN status TO state'; END $$;\n";
    repo.commit("feat: state", { "db/migrations/20240201000000_state.sql": `${up}\n-- migrate:down\nALTER TABLE orders RENAME COLUMN state TO status;\n` });
    const staticOnly = await shipgate(repo, ["gate", "--from", "v1.0", "--to", "HEAD", "--static"]);
    expect(staticOnly.code).toBe(0);
    const result = await shipgate(repo, ["gate", "--from", "v1.0", "--to", "HEAD", "--database", server.url, "--format", "json"]);
    expect(result.code).toBe(1);
    const findings: { message: string }[] = JSON.parse(result.stdout).findings;
    expect(findings.map((f) => f.message)).toEqual([
      expect.stringMatching(
        /^\[old-query-broken\] old query open_orders \(app\/orders\.sql:2\) no longer prepares: column "status" does not exist; broken by db\/migrations\/20240201000000_state\.sql:3/,
      ),
      expect.stringMatching(
        /^\[old-tests-failed\] the previous release's tests \(sh test\/smoke\.sh\) fail against the migrated schema \(exit \d+\): .*status/,
      ),
    ]);
  });

  it("leaves no verification database behind on the server", async () => {
    const repo = releasedShop();
    repo.commit("feat: idx", {
      "db/migrations/20240301000000_idx.sql":
        "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY orders_status ON orders (status);\n-- migrate:down\nDROP INDEX orders_status;\n",
    });
    const result = await shipgate(repo, ["migrations", "verify", "--from", "v1.0", "--to", "HEAD", "--database", server.url]);
    expect(result.code).toBe(0);
    expect(server.psql("SELECT datname FROM pg_database WHERE datname LIKE 'shipgate_verify_%'")).toBe("");
    expect(server.psql("SELECT count(*) FROM pg_database")).toMatch(/^\d+$/);
  });
});
