import { describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRepo, installHooks, shipgate, type TestRepo } from "@shipgate/test-utils";
import { cleanMessage } from "./hooks.js";

function repoWithHooks(config = "policies:\n  commit-message: error\n"): TestRepo {
  const repo = createRepo({ files: { ".shipgate.yml": config } });
  installHooks(repo);
  return repo;
}

const commit = (repo: TestRepo, message: string, extra: string[] = [], env?: Record<string, string>) =>
  repo.gitRaw(["commit", "-q", "--allow-empty", "-F", "-", ...extra], { input: message, ...(env ? { env } : {}) });

describe("commit-msg", () => {
  it("accepts a Conventional Commit and refuses a free-form header with the reason and the fix", () => {
    const repo = repoWithHooks();
    expect(commit(repo, "feat(api): add paging\n").status).toBe(0);
    const bad = commit(repo, "added some stuff\n");
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('header "added some stuff" is not a Conventional Commit');
    expect(bad.stderr).toContain("fix:");
    expect(repo.git("rev-list", "--count", "HEAD")).toBe("2");
  });

  it("ignores comment lines and everything below the scissors line of `git commit -v`", () => {
    const message =
      "fix: handle empty input\n# Please enter the commit message\n# ------------------------ >8 ------------------------\nthis is diff noise that would fail: BREAKING change: x\n";
    expect(cleanMessage(message, "#")).toBe("fix: handle empty input\n");
    const repo = repoWithHooks();
    expect(commit(repo, message, ["--cleanup=scissors"]).status).toBe(0);
  });

  it("honours a core.commentChar given on the command line (git -c)", () => {
    const repo = repoWithHooks();
    const result = repo.gitRaw(["-c", "core.commentChar=;", "commit", "-q", "--allow-empty", "--cleanup=strip", "-F", "-"], {
      input: "; a comment that is not a header\nfeat: real header\n",
    });
    expect(result.status, result.stderr).toBe(0);
  });

  it("honours core.commentChar", () => {
    const repo = repoWithHooks();
    repo.git("config", "core.commentChar", ";");
    const result = commit(repo, "; a comment that is not a header\nfeat: real header\n", ["--cleanup=strip"]);
    expect(result.status, result.stderr).toBe(0);
  });

  it("refuses a malformed breaking-change footer where the config asks, and an unknown type, naming the allowed types", () => {
    const repo = repoWithHooks("policies:\n  commit-message:\n    levels: { breaking-change-footer: error }\n");
    const footer = commit(repo, "feat: x\n\nbreaking change: the API\n");
    expect(footer.status).toBe(1);
    expect(footer.stderr).toContain("not a valid breaking-change footer");
    expect(commit(repo, "feat: x\n\nBREAKING CHANGE:\nthe API changed\n").status).toBe(0);
    const type = commit(repo, "feature: x\n");
    expect(type.stderr).toContain('type "feature" is not allowed');
    expect(type.stderr).toContain("feat, fix");
    expect(commit(repo, "feat!: drop node 18\n\nBREAKING CHANGE: node 20 is required\n").status).toBe(0);
  });

  it("lets merge, revert and fixup! messages through", () => {
    const repo = repoWithHooks();
    expect(commit(repo, "Merge branch 'feature/x'\n").status).toBe(0);
    expect(commit(repo, 'Revert "feat: y"\n\nThis reverts commit abc.\n').status).toBe(0);
    expect(commit(repo, "fixup! feat: y\n").status).toBe(0);
  });

  it("applies the strict preset: scope required, header at most 72 characters", () => {
    const repo = repoWithHooks("extends: strict\n");
    expect(commit(repo, "feat: no scope\n").stderr).toContain("a scope is required");
    expect(commit(repo, `feat(core): ${"x".repeat(80)}\n`).stderr).toMatch(/at most 72/);
  });

  it("reports a broken config with the key path and exit code 2, and commits nothing", () => {
    const repo = repoWithHooks("policies:\n  commit-message:\n    headerMaxLength: lots\n");
    const result = commit(repo, "feat: x\n");
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("policies.commit-message.headerMaxLength");
    expect(repo.git("rev-list", "--count", "HEAD")).toBe("1");
    writeFileSync(join(repo.dir, ".git", "MSG"), "feat: x\n");
    expect(shipgate(["run", "commit-msg", ".git/MSG"], { cwd: repo.dir }).code).toBe(2);
  });
});
