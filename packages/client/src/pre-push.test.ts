import { describe, expect, it } from "vitest";
import { createRemotePair, createRepo, installHooks } from "@shipgate/test-utils";
import { parsePushLines } from "./hooks.js";

const CONFIG = "policies:\n  commit-message: error\n  secrets: error\n";

describe("pre-push", () => {
  it("checks only commits new to the remote", () => {
    const { local } = createRemotePair({ ".shipgate.yml": CONFIG });
    local.git("commit", "-q", "--allow-empty", "--no-verify", "-m", "legacy message pushed before shipgate");
    local.git("push", "-q", "--no-verify", "origin", "main");
    installHooks(local);
    local.commit("feat: new work", { "a.txt": "a\n" });
    const ok = local.gitRaw(["push", "-q", "origin", "main"]);
    expect(ok.status, ok.stderr).toBe(0);
    local.git("commit", "-q", "--allow-empty", "--no-verify", "-m", "wip");
    const refused = local.gitRaw(["push", "-q", "origin", "main"]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('header "wip"');
    expect(refused.stderr).not.toContain("legacy message");
  });

  it("checks a new branch against what the remote already has, and lets a deletion through", () => {
    const { remote, local } = createRemotePair({ ".shipgate.yml": CONFIG });
    local.git("push", "-q", "--no-verify", "origin", "main");
    installHooks(local);
    local.git("checkout", "-q", "-b", "feat/x");
    local.commit("feat: topic", { "t.txt": "token = ghp_R8mZk2Lq9VtX4cN7pW1sHj6Yd3Fb0GuTe5Aa\n" });
    const refused = local.gitRaw(["push", "-q", "origin", "feat/x"]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/t\.txt:1/);
    expect(remote.gitRaw(["rev-parse", "--verify", "-q", "refs/heads/feat/x"]).status).not.toBe(0);

    local.git("push", "-q", "--no-verify", "origin", "feat/x");
    const deleted = local.gitRaw(["push", "-q", "origin", "--delete", "feat/x"]);
    expect(deleted.status, deleted.stderr).toBe(0);
  });

  it("refuses to push an edit of a migration a release tag contains, when migrations-immutable is on", () => {
    const config = `${CONFIG}  migrations-immutable: error\nmigrations:\n  dirs: [migrations]\n`;
    const { local } = createRemotePair({ ".shipgate.yml": config, "migrations/001_init.sql": "CREATE TABLE t (id int);\n" });
    local.git("tag", "v1.0.0");
    local.git("push", "-q", "--no-verify", "origin", "main", "v1.0.0");
    installHooks(local);
    local.commit("feat: next migration", { "migrations/002_more.sql": "CREATE TABLE u (id int);\n" });
    const ok = local.gitRaw(["push", "-q", "origin", "main"]);
    expect(ok.status, ok.stderr).toBe(0);
    local.commit("fix: tweak the first migration", { "migrations/001_init.sql": "CREATE TABLE t (id bigint);\n" });
    const refused = local.gitRaw(["push", "-q", "origin", "main"]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain("changes migration migrations/001_init.sql, which release v1.0.0 already contains");
  });

  it("reads 64-hex ids in a SHA-256 repository", () => {
    const repo = createRepo({ objectFormat: "sha256", files: { ".shipgate.yml": CONFIG } });
    const head = repo.git("rev-parse", "HEAD");
    const updates = parsePushLines(`refs/heads/main ${head} refs/heads/main ${"0".repeat(64)}\n`);
    expect(updates).toEqual([{ name: "refs/heads/main", oldOid: "0".repeat(64), newOid: head }]);
  });

  it("rejects malformed stdin instead of guessing", () => {
    expect(() => parsePushLines("refs/heads/main $(id) refs/heads/main 0000\n")).toThrow(/unexpected line on pre-push stdin/);
  });
});
