/** The release gate before a deploy (`gate: true`): runGate from the last good release to the candidate, on real git. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createRepo, tempDir } from "@shipgate/test-utils";
import { migrationsGate } from "../../packages/deploy/src/gate.js";

function releases(first = "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n", dynamic = false) {
  const repo = createRepo({ files: { "migrations/001_users.sql": first } });
  repo.git("tag", "v1");
  repo.commit("feat: index users", { "migrations/002_index.sql": "CREATE INDEX CONCURRENTLY users_email ON users (email);\n" });
  repo.git("tag", "v2");
  repo.commit("feat!: drop email", { "migrations/003_drop.sql": "ALTER TABLE users DROP COLUMN email;\n" });
  repo.git("tag", "v3");
  const config = join(tempDir(), "server.yml");
  writeFileSync(config, `policies:\n  commit-message: off\nmigrations:\n  dynamic: ${dynamic}\n`);
  const release = (tag: string) => ({ tag, sha: repo.git("rev-parse", `${tag}^{commit}`) });
  /** The gate's verdict on deploying `to` where `from` is the last good release. */
  const judge = (from: string, to: string) =>
    migrationsGate(config)({ env: "production", gitDir: join(repo.dir, ".git"), from: release(from), to: release(to), signal: new AbortController().signal });
  return { judge };
}

describe("the release gate before a deploy", () => {
  it("lets a release through whose migrations keep the last good release working", async () => {
    const outcome = await releases().judge("v1", "v2");
    expect(outcome.reason).toMatch(/passed/);
    expect(outcome.ok).toBe(true);
  });

  it("refuses a release that drops a column the last good release still reads, with the report in its output", async () => {
    const outcome = await releases().judge("v2", "v3");
    expect(outcome.ok).toBe(false);
    expect(outcome.reason).toMatch(/^\d+ errors? \(the record holds the report\)$/);
    expect(outcome.output).toContain("migrations/003_drop.sql");
  });

  it("refuses a release it cannot judge here (an old schema needs an extension the embedded database lacks), saying so", async () => {
    const outcome = await releases("CREATE EXTENSION postgis;\nCREATE TABLE users (id bigint PRIMARY KEY, email text);\n", true).judge("v1", "v2");
    expect(outcome.ok).toBe(false);
    expect(outcome.reason).toMatch(/^the release gate could not judge it here, so it is not deployed: .*postgis/);
    expect(outcome.reason).toContain("migrations.database.url");
  });
});
