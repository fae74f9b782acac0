/**
 * A refused commit changes nothing: when commit-msg (shipgate's own check, or another tool in the same husky hook)
 * refuses a commit whose pre-commit already wrote prettier's fixes, the index and the rewritten work-tree files are
 * put back exactly as they were, files saved since are left alone, and the user is told.
 */
import { describe, expect, it } from "vitest";
import { chmodSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRepo, installHooks, linkShipgateBin, linkTools, type TestRepo } from "@shipgate/test-utils";
import { undoTrap } from "./init.js";

const UGLY = "const a = {b:1,c:'two'}\n";
const PRETTY = 'const a = { b: 1, c: "two" };\n';

function prettierRepo(): TestRepo {
  const repo = createRepo({ files: { ".shipgate.yml": "policies:\n  prettier: error\n  commit-message: error\n", "README.md": "# x\n" } });
  linkTools(repo.dir, ["prettier"]);
  repo.git("add", "-A");
  repo.git("commit", "-q", "--no-verify", "-m", "chore: tools");
  installHooks(repo);
  return repo;
}

const commit = (repo: TestRepo, message: string, extra: string[] = []) => repo.gitRaw(["commit", "-F", "-", ...extra], { input: message });

const staged = (repo: TestRepo, path: string) => repo.git("show", `:${path}`) + "\n";

describe("a commit refused after pre-commit fixed its files", () => {
  it("puts the index and the work tree back when shipgate's commit-msg refuses the message, and says so", () => {
    const repo = prettierRepo();
    writeFileSync(join(repo.dir, "a.js"), UGLY);
    writeFileSync(join(repo.dir, "b.js"), UGLY);
    repo.git("add", "a.js", "b.js");
    // b.js has unstaged work too: pre-commit fixes only its staged blob, and the undo must restore that blob.
    writeFileSync(join(repo.dir, "b.js"), UGLY + "const unstaged = 1\n");
    const indexBefore = repo.git("ls-files", "-s", "a.js", "b.js");

    const refused = commit(repo, "added stuff\n");
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("undid the fixes");
    expect(repo.git("ls-files", "-s", "a.js", "b.js")).toBe(indexBefore);
    expect(readFileSync(join(repo.dir, "a.js"), "utf8")).toBe(UGLY);
    expect(readFileSync(join(repo.dir, "b.js"), "utf8")).toBe(UGLY + "const unstaged = 1\n");
    expect(repo.git("rev-list", "--count", "HEAD")).toBe("2");

    // The next attempt fixes again and commits the fixed content.
    const accepted = commit(repo, "feat: add a and b\n");
    expect(accepted.status, accepted.stderr).toBe(0);
    expect(repo.git("show", "HEAD:a.js") + "\n").toBe(PRETTY);
    expect(readFileSync(join(repo.dir, "a.js"), "utf8")).toBe(PRETTY);
  });

  it("keeps a file saved between pre-commit and the refusal, and names it", () => {
    const repo = prettierRepo();
    writeFileSync(join(repo.dir, "a.js"), UGLY);
    writeFileSync(join(repo.dir, "c.js"), UGLY);
    repo.git("add", "a.js", "c.js");
    const indexBefore = repo.git("ls-files", "-s", "a.js", "c.js");
    // Another commit-msg line that edits a.js, as an editor would while the message is written, then fails.
    const hooks = repo.git("config", "core.hooksPath");
    const original = readFileSync(join(hooks, "commit-msg"), "utf8");
    writeFileSync(join(hooks, "commit-msg"), original.replace("#!/bin/sh\n", `#!/bin/sh\nprintf 'let saved = 1\\n' > a.js\n`));
    chmodSync(join(hooks, "commit-msg"), 0o755);

    const refused = commit(repo, "added stuff\n");
    expect(refused.status).toBe(1);
    expect(readFileSync(join(repo.dir, "a.js"), "utf8")).toBe("let saved = 1\n");
    expect(readFileSync(join(repo.dir, "c.js"), "utf8")).toBe(UGLY);
    expect(repo.git("ls-files", "-s", "a.js", "c.js")).toBe(indexBefore);
    expect(refused.stderr).toMatch(/a\.js/);
  });

  it("undoes the fixes when another tool's line in the same husky commit-msg hook refuses before shipgate runs", () => {
    const repo = prettierRepo();
    const hooks = repo.git("config", "core.hooksPath");
    const shipgateLine = readFileSync(join(hooks, "commit-msg"), "utf8").split("\n")[1] ?? "";
    linkShipgateBin(repo.dir);
    // As `shipgate init` writes it over an existing hook: the trap, the other tool's line, then shipgate's.
    writeFileSync(
      join(hooks, "commit-msg"),
      `#!/bin/sh -e\n${undoTrap("")}\ngrep -q '^feat' "$1" || { echo "other tool: refused" >&2; exit 1; }\n${shipgateLine}\n`,
    );
    chmodSync(join(hooks, "commit-msg"), 0o755);
    writeFileSync(join(repo.dir, "a.js"), UGLY);
    repo.git("add", "a.js");
    const indexBefore = repo.git("ls-files", "-s", "a.js");

    const refused = commit(repo, "fix: not what the other tool wants\n");
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("other tool: refused");
    expect(refused.stderr).toContain("undid the fixes");
    expect(repo.git("ls-files", "-s", "a.js")).toBe(indexBefore);
    expect(readFileSync(join(repo.dir, "a.js"), "utf8")).toBe(UGLY);
  });

  it("never applies what an earlier, aborted commit recorded to a later commit-msg refusal (a merge)", () => {
    const repo = prettierRepo();
    const hooks = repo.git("config", "core.hooksPath");
    // prepare-commit-msg aborts the commit after pre-commit fixed a.js: the record stays behind.
    writeFileSync(join(hooks, "prepare-commit-msg"), "#!/bin/sh\nexit 1\n", { mode: 0o755 });
    writeFileSync(join(repo.dir, "a.js"), UGLY);
    repo.git("add", "a.js");
    expect(commit(repo, "feat: a\n").status).not.toBe(0);
    const fixedEntry = repo.git("ls-files", "-s", "a.js");
    expect(staged(repo, "a.js")).toBe(PRETTY);
    rmSync(join(hooks, "prepare-commit-msg"));
    // The user commits the fixed file with --no-verify (neither hook runs), then merges a branch.
    repo.git("commit", "-q", "--no-verify", "-m", "feat: a");
    repo.git("checkout", "-q", "-b", "side", "HEAD~1");
    repo.commit("feat: side", { "side.txt": "x\n" });
    repo.git("checkout", "-q", "main");
    // A merge runs commit-msg (not pre-commit); its refusal must not touch a.js.
    const merge = repo.gitRaw(["merge", "--no-ff", "-m", "merged things", "side"]);
    expect(merge.status).not.toBe(0);
    expect(merge.stderr).toContain("is not a Conventional Commit");
    expect(merge.stderr).not.toContain("undid");
    expect(repo.git("ls-files", "-s", "a.js")).toBe(fixedEntry);
  });

  it("keeps the fixes of a commit that goes through, and of `git commit -a`", () => {
    const repo = prettierRepo();
    writeFileSync(join(repo.dir, "a.js"), UGLY);
    repo.git("add", "a.js");
    expect(commit(repo, "feat: a\n").status).toBe(0);
    writeFileSync(join(repo.dir, "a.js"), PRETTY + UGLY);
    const refused = commit(repo, "nope\n", ["-a"]);
    expect(refused.status).toBe(1);
    expect(readFileSync(join(repo.dir, "a.js"), "utf8")).toBe(PRETTY + UGLY);
    expect(repo.git("diff", "--cached", "--name-only")).toBe("");
    expect(commit(repo, "feat: more\n", ["-a"]).status).toBe(0);
    expect(staged(repo, "a.js")).toBe(PRETTY + PRETTY);
  });

  it("puts the fixes back when git aborts for an empty message that commit-msg let through", () => {
    const repo = createRepo({ files: { ".shipgate.yml": "policies:\n  prettier: error\n  commit-message: off\n", "README.md": "# x\n" } });
    linkTools(repo.dir, ["prettier"]);
    repo.git("add", "-A");
    repo.git("commit", "-q", "--no-verify", "-m", "chore: tools");
    installHooks(repo);
    const stage = () => {
      writeFileSync(join(repo.dir, "a.js"), UGLY);
      repo.git("add", "a.js");
      return repo.git("ls-files", "-s", "a.js");
    };
    const before = stage();
    // The editor leaves only git's comments: its cleanup strips them and git aborts after commit-msg passed.
    const aborted = repo.gitRaw(["commit"], { env: { GIT_EDITOR: "true" } });
    expect(aborted.status).not.toBe(0);
    expect(aborted.stderr).toContain("Aborting commit due to empty commit message");
    expect(aborted.stderr).toContain("shipgate: the message is empty, so git does not commit, so shipgate undid the fixes");
    expect(repo.git("ls-files", "-s", "a.js")).toBe(before);
    expect(readFileSync(join(repo.dir, "a.js"), "utf8")).toBe(UGLY);

    // Messages git keeps: --allow-empty-message, and a comment-like line given with -m (no editor: no stripping).
    for (const args of [
      ["--allow-empty-message", "-m", ""],
      ["-m", "# 42 is the answer"],
      ["-q", "--cleanup=verbatim", "-m", "\n"],
    ]) {
      stage();
      const kept = repo.gitRaw(["commit", ...args]);
      expect(kept.status, kept.stderr).toBe(0);
      expect(kept.stderr).not.toContain("undid the fixes");
      expect(repo.git("show", "HEAD:a.js") + "\n").toBe(PRETTY);
      expect(readFileSync(join(repo.dir, "a.js"), "utf8")).toBe(PRETTY);
      repo.git("reset", "-q", "--hard", "HEAD~1");
    }
  });
});
