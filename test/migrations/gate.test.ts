import { describe, expect, it } from "vitest";
import { createRepo, type TestRepo } from "@shipgate/test-utils";
import { releasedShop, shipgate } from "./helpers.js";

const CONFIG = `migrations:
  dirs: [migrations]
  queries: ["queries/**/*.sql"]
`;

/** A repository whose release v1.0 has a users table and the query the running application prepares. */
function releasedApp(): TestRepo {
  const repo = createRepo({
    files: {
      ".shipgate.yml": CONFIG,
      "migrations/001_init.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, name text);\n",
      "queries/users.sql": "-- name: find_user\n-- params: bigint\nSELECT id, email, name FROM users WHERE id = $1;\n",
    },
    message: "feat: users",
  });
  repo.git("tag", "v1.0");
  return repo;
}

describe("shipgate gate", () => {
  it("ships a release that only adds a nullable column, against the previous tag", async () => {
    const repo = releasedApp();
    repo.commit("feat: bio", { "migrations/002_bio.sql": "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN bio text;\n" });
    const result = await shipgate(repo, ["gate", "--from", "auto", "--to", "HEAD"]);
    expect(result.stderr).toContain("v1.0 (previous release tag)");
    expect(result.code).toBe(0);
  });

  it("refuses a release that drops a column the previous release reads, naming the query", async () => {
    const repo = releasedApp();
    repo.commit("feat: drop name", { "migrations/002_drop_name.sql": "SET lock_timeout = '2s';\nALTER TABLE users DROP COLUMN name;\n" });
    const result = await shipgate(repo, ["gate", "--from", "v1.0", "--to", "HEAD", "--format", "json"]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { findings: { message: string; path: string; line: number }[] };
    const messages = report.findings.map((f) => `${f.path}:${f.line} ${f.message}`);
    expect(messages).toContainEqual(expect.stringMatching(/^migrations\/002_drop_name\.sql:2 \[drop-column\].*query find_user/));
    expect(messages).toContainEqual(expect.stringMatching(/\[old-query-broken\] old query find_user .*column "name" does not exist.*002_drop_name\.sql:2/));
  });

  it("refuses a release whose static check passes but whose old queries break on PGlite", async () => {
    const repo = releasedApp();
    const sneaky = "SET lock_timeout = '2s';\nDO $$ BEGIN EXECUTE 'ALTER TABLE users RENAME COLUMN email TO email_address'; END $$;\n";
    repo.commit("feat: rename via DO", { "migrations/002_rename.sql": sneaky });
    const staticOnly = await shipgate(repo, ["gate", "--from", "v1.0", "--to", "HEAD", "--static"]);
    expect(staticOnly.code).toBe(0);
    const result = await shipgate(repo, ["gate", "--from", "v1.0", "--to", "HEAD"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /old query find_user \(queries\/users\.sql:3\) no longer prepares: column "email" does not exist; broken by migrations\/002_rename\.sql:2/,
    );
  });

  it("runs the previous release's own tests against migrated PGlite through a loopback URL", async () => {
    const repo = releasedShop();
    repo.commit("feat: notes", {
      "db/migrations/20240201000000_notes.sql":
        "-- migrate:up\nSET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN note text;\n\n-- migrate:down\nALTER TABLE orders DROP COLUMN note;\n",
    });
    const ok = await shipgate(repo, ["gate", "--from", "v1.0", "--to", "HEAD", "--format", "json"]);
    expect(JSON.parse(ok.stdout).findings).toEqual([]);
    expect(ok.code).toBe(0);

    const broken = releasedShop();
    const up = "-- migrate:up\nSET lock_timeout = '2s';\nDO $$ BEGIN EXECUTE 'ALTER TABLE orders RENAME COLUMN status TO state'; END $$;\n";
    broken.commit("feat: state", { "db/migrations/20240201000000_state.sql": `${up}\n-- migrate:down\nALTER TABLE orders RENAME COLUMN state TO status;\n` });
    const refused = await shipgate(broken, ["gate", "--from", "v1.0", "--to", "HEAD", "--format", "json"]);
    expect(refused.code).toBe(1);
    const messages = (JSON.parse(refused.stdout).findings as { message: string }[]).map((f) => f.message);
    expect(messages).toContainEqual(
      expect.stringMatching(
        /^\[old-tests-failed\] the previous release's tests \(sh test\/smoke\.sh\) fail against the migrated schema \(exit \d+\): .*status/,
      ),
    );
  });

  it("refuses a release that edits a migration the previous release tag contains", async () => {
    const repo = releasedApp();
    repo.commit("fix: init", { "migrations/001_init.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, name text, extra int);\n" });
    const result = await shipgate(repo, ["gate", "--from", "v1.0", "--to", "HEAD"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("changes migration migrations/001_init.sql, which release v1.0 already contains");
  });

  it("takes --from auto from the deploy ledger's last good release when it exists", async () => {
    const repo = releasedApp();
    const good = repo.git("rev-parse", "HEAD");
    repo.commit("feat: drop name", { "migrations/002_drop_name.sql": "ALTER TABLE users DROP COLUMN name;\n" });
    repo.git("tag", "v1.1");
    repo.git("update-ref", "refs/shipgate/production/good", good);
    repo.commit("feat: bio", { "migrations/003_bio.sql": "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN bio text;\n" });
    const result = await shipgate(repo, ["gate", "--from", "auto", "--to", "HEAD"]);
    expect(result.stderr).toContain("refs/shipgate/production/good (last good deploy)");
    // v1.1 never passed verification, so its drop is still part of what this release brings to production.
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("[drop-column]");
  });

  it("checks that golang-migrate downs restore the catalog exactly", async () => {
    const repo = createRepo({
      files: {
        ".shipgate.yml": "migrations:\n  dirs: [db]\n",
        "db/000001_init.up.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n",
        "db/000001_init.down.sql": "DROP TABLE users;\n",
      },
    });
    repo.git("tag", "v1.0");
    repo.commit("feat: audit", {
      "db/000002_audit.up.sql": "CREATE TABLE audit (id bigint);\nALTER TABLE users ADD COLUMN bio text;\n",
      "db/000002_audit.down.sql": "ALTER TABLE users DROP COLUMN bio;\n",
    });
    const result = await shipgate(repo, ["migrations", "verify", "--from", "v1.0", "--to", "HEAD"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("[down-mismatch]");
    expect(result.stdout).toContain("left behind relation public.audit kind=r");
    repo.commit("fix: down", { "db/000002_audit.down.sql": "ALTER TABLE users DROP COLUMN bio;\nDROP TABLE audit;\n" });
    expect((await shipgate(repo, ["migrations", "verify", "--from", "v1.0", "--to", "HEAD"])).code).toBe(0);
  });

  it("exits 2 with a hint when a revision names no commit", async () => {
    const repo = releasedApp();
    const result = await shipgate(repo, ["gate", "--from", "v0.9", "--to", "HEAD"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"v0.9" does not name a commit');
  });

  it("lints SQL files given on the command line with their exact line numbers", async () => {
    const repo = createRepo({ files: { "a.sql": "-- é\nCREATE INDEX i ON t (a);\n" } });
    const result = await shipgate(repo, ["migrations", "lint", "a.sql"]);
    expect(result.stdout).toContain("a.sql:2:1");
    expect(result.code).toBe(0);
  });
});
