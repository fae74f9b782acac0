import { describe, expect, it } from "vitest";
import { buildRangeChange, openRepo, runPolicies, validateConfig } from "@shipgate/core";
import { createRepo } from "@shipgate/test-utils";
import { immutabilityPolicy } from "./immutability.js";
import { plugin } from "./plugin.js";

const config = validateConfig({ policies: { "migrations-immutable": { severity: "error" } } }, [plugin]);

async function check(dir: string, env: NodeJS.ProcessEnv, oldOid: string, newOid: string, stage: "pre-push" | "pre-receive") {
  const repo = await openRepo(dir, env);
  const change = await buildRangeChange(repo, [{ name: "refs/heads/main", oldOid, newOid }], { stage, known: [oldOid] });
  try {
    return await runPolicies(change, config, { extra: [immutabilityPolicy], only: ["migrations-immutable"] });
  } finally {
    change.objects.close();
  }
}

describe("migrations-immutable", () => {
  it("refuses an edit or deletion of a released migration at pre-push, naming the commit and the tag", async () => {
    const repo = createRepo({ files: { "migrations/001_init.sql": "CREATE TABLE a (id int);\n", "migrations/002_b.sql": "CREATE TABLE b (id int);\n" } });
    repo.git("tag", "v1.0");
    const base = repo.git("rev-parse", "HEAD");
    const edit = repo.commit("fix: edit", { "migrations/001_init.sql": "CREATE TABLE a (id bigint);\n" });
    repo.git("rm", "-q", "migrations/002_b.sql");
    repo.git("commit", "-q", "-m", "chore: delete");
    const report = await check(repo.dir, repo.env, base, repo.git("rev-parse", "HEAD"), "pre-push");
    expect(report.exitCode).toBe(1);
    expect(report.findings.map((f) => [f.path, f.message, f.commit])).toEqual([
      ["migrations/001_init.sql", "changes migration migrations/001_init.sql, which release v1.0 already contains", edit],
      ["migrations/002_b.sql", "deletes migration migrations/002_b.sql, which release v1.0 already contains", repo.git("rev-parse", "HEAD")],
    ]);
  });

  it("accepts new migrations and edits of migrations no release contains yet, at pre-receive on a bare repository", async () => {
    const repo = createRepo({ files: { "migrations/001_init.sql": "CREATE TABLE a (id int);\n" } });
    repo.git("tag", "v1.0");
    const base = repo.commit("feat: b", { "migrations/002_b.sql": "CREATE TABLE b (id int);\n" });
    repo.commit("fix: b", { "migrations/002_b.sql": "CREATE TABLE b (id bigint);\n", "migrations/003_c.sql": "CREATE TABLE c (id int);\n" });
    const bare = createRepo({ bare: true });
    repo.git("push", "-q", bare.dir, "main", "v1.0");
    const report = await check(bare.dir, bare.env, base, repo.git("rev-parse", "HEAD"), "pre-receive");
    expect(report.findings).toEqual([]);
    expect(report.exitCode).toBe(0);
  });
});
