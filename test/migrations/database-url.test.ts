import { describe, expect, it } from "vitest";
import { createRepo, type TestRepo } from "@shipgate/test-utils";
import { freePort } from "@shipgate/test-utils/servers";
import { runCli } from "./cli.js";

function releaseWithMigration(): TestRepo {
  const repo = createRepo({
    files: { ".shipgate.yml": "migrations:\n  dirs: [migrations]\n", "migrations/001_init.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n" },
    message: "feat: users",
  });
  repo.git("tag", "v1.0");
  repo.commit("feat: bio", { "migrations/002_bio.sql": "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN bio text;\n" });
  return repo;
}

describe("a --database URL that cannot work", () => {
  it("is a usage error that says what a PostgreSQL URL looks like when it is not one", async () => {
    const repo = releaseWithMigration();
    const result = await runCli(repo, ["gate", "--from", "v1.0", "--to", "HEAD", "--database", "not a url"]);
    expect(result.stderr).toContain('the database URL "not a url" is not a PostgreSQL URL');
    expect(result.stderr).toContain("postgres://user:password@host:5432/database");
    expect(result.stderr).not.toContain("ENOTFOUND");
    expect(result.stdout + result.stderr).not.toContain("severity to off");
    expect(result.code).toBe(2);
  });

  it("is a usage error that never echoes the password of a malformed URL", async () => {
    const repo = releaseWithMigration();
    const result = await runCli(repo, ["migrations", "verify", "--from", "v1.0", "--to", "HEAD", "--database", "postgres://app:s3cret@db.example:port/app"]);
    expect(result.stderr).toContain('the database URL "postgres://app:***@db.example:port/app" is not a PostgreSQL URL');
    expect(result.stdout + result.stderr).not.toContain("s3cret");
    expect(result.code).toBe(2);
  });

  it("is a usage error naming the host, the port, the connection error and the fix when nothing listens there", async () => {
    const repo = releaseWithMigration();
    const port = await freePort();
    const url = `postgresql://app:s3cret@127.0.0.1:${port}/app`;
    for (const argv of [
      ["gate", "--from", "v1.0", "--to", "HEAD", "--database", url],
      ["migrations", "verify", "--from", "v1.0", "--to", "HEAD", "--database", url],
    ]) {
      const result = await runCli(repo, argv);
      expect(result.stderr).toContain(`cannot connect to the PostgreSQL server at 127.0.0.1:${port} (postgresql://app:***@127.0.0.1:${port}/app)`);
      expect(result.stderr).toContain(`ECONNREFUSED`);
      expect(result.stderr).toContain("--static");
      expect(result.stdout + result.stderr).not.toContain("s3cret");
      expect(result.stdout + result.stderr).not.toContain("severity to off");
      expect(result.code).toBe(2);
    }
    const fromEnv = await runCli(repo, ["gate", "--from", "v1.0", "--to", "HEAD"], { SHIPGATE_DATABASE_URL: url });
    expect(fromEnv.stderr).toContain(`127.0.0.1:${port}`);
    expect(fromEnv.code).toBe(2);
  });
});
