import { describe, expect, it } from "vitest";
import { createRepo, type TestRepo } from "@shipgate/test-utils";
import { runCli } from "./cli.js";

/** v1.1.0 has a users table; v1.2.0 drops one of its columns (so the older release cannot run on the newer schema). */
function twoReleases(): TestRepo {
  const repo = createRepo({
    files: {
      ".shipgate.yml": "migrations:\n  dirs: [migrations]\n",
      "migrations/001_init.sql": "CREATE TABLE users (id bigint PRIMARY KEY, name text);\n",
    },
    message: "feat: users",
  });
  repo.git("tag", "v1.1.0");
  repo.commit("feat: drop name", { "migrations/002_drop_name.sql": "SET lock_timeout = '2s';\nALTER TABLE users DROP COLUMN name;\n" });
  repo.git("tag", "v1.2.0");
  return repo;
}

describe("a --from that is not an ancestor of --to", () => {
  it("makes the gate exit 2 on a reversed range and name the fix, instead of passing with 0 files checked", async () => {
    const repo = twoReleases();
    const result = await runCli(repo, ["gate", "--from", "v1.2.0", "--to", "v1.1.0"]);
    expect(result.stdout).not.toContain("passed");
    expect(result.stderr).toContain("--from v1.2.0 is not an ancestor of --to v1.1.0");
    expect(result.stderr).toContain("--to v1.1.0 is older than --from v1.2.0");
    expect(result.stderr).toContain("swap them: --from v1.1.0 --to v1.2.0");
    expect(result.code).toBe(2);
  });

  it("makes migrations verify exit 2 on a reversed range as well", async () => {
    const repo = twoReleases();
    const result = await runCli(repo, ["migrations", "verify", "--from", "v1.2.0", "--to", "v1.1.0"]);
    expect(result.stderr).toContain("--from v1.2.0 is not an ancestor of --to v1.1.0");
    expect(result.code).toBe(2);
  });

  it("makes the gate exit 2 when --from is on a branch the candidate does not contain, naming the merge base", async () => {
    const repo = twoReleases();
    repo.git("checkout", "-q", "-b", "hotfix", "v1.1.0");
    repo.commit("fix: index", { "migrations/002_index.sql": "CREATE INDEX CONCURRENTLY users_name ON users (name);\n" });
    repo.git("tag", "v1.1.1");
    const base = repo.git("rev-parse", "--short=12", "v1.1.0");
    const result = await runCli(repo, ["gate", "--from", "v1.1.1", "--to", "v1.2.0"]);
    expect(result.stderr).toContain("--from v1.1.1 is not an ancestor of --to v1.2.0");
    expect(result.stderr).toContain(`branched off at ${base}`);
    expect(result.stderr).toContain("merge v1.1.1 into the candidate");
    expect(result.code).toBe(2);
  });

  it("makes --from auto exit 2 when the last good deploy is not in the candidate's history, saying what it chose and why", async () => {
    const repo = twoReleases();
    repo.git("checkout", "-q", "-b", "hotfix", "v1.1.0");
    const hotfix = repo.commit("fix: index", { "migrations/002_index.sql": "CREATE INDEX CONCURRENTLY users_name ON users (name);\n" });
    repo.git("update-ref", "refs/shipgate/production/good", hotfix);
    repo.git("checkout", "-q", "main");
    const result = await runCli(repo, ["gate", "--from", "auto", "--to", "HEAD"]);
    expect(result.stderr).toContain(`--from auto chose refs/shipgate/production/good (${hotfix.slice(0, 12)}), the last good deploy`);
    expect(result.stderr).toContain("is not an ancestor of --to HEAD");
    expect(result.code).toBe(2);
  });

  it("still gates a forward range and a first release", async () => {
    const repo = twoReleases();
    const forward = await runCli(repo, ["gate", "--from", "v1.1.0", "--to", "v1.2.0"]);
    expect(forward.stdout).toContain("[drop-column]");
    expect(forward.code).toBe(1);
    const first = await runCli(repo, ["gate", "--from", "auto", "--to", "v1.1.0"]);
    expect(first.stderr).toContain("nothing (first release)");
    expect(first.code).toBe(0);
  });
});
