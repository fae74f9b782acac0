import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createRepo, installHooks, linkTools, type TestRepo } from "@shipgate/test-utils";

const UGLY = "const   a = {b:1}\n";
const PRETTY = "const a = { b: 1 };\n";

function prettierRepo(): TestRepo {
  const repo = createRepo();
  linkTools(repo.dir, ["prettier"]);
  repo.write({ ".shipgate.yml": "policies:\n  prettier: error\n  secrets: error\n", "README.md": "# x\n" });
  repo.git("add", "-A");
  repo.git("commit", "-q", "--no-verify", "-m", "chore: init");
  installHooks(repo);
  return repo;
}

function commit(repo: TestRepo, ...args: string[]) {
  return repo.gitRaw(["commit", "-q", ...args]);
}

describe("pre-commit fixers", () => {
  it("formats a fully staged file in the index and the work tree", () => {
    const repo = prettierRepo();
    repo.write({ "a.js": UGLY });
    repo.git("add", "a.js");
    const result = commit(repo, "-m", "feat: add a");
    expect(result.status, result.stderr).toBe(0);
    expect(repo.git("show", "HEAD:a.js") + "\n").toBe(PRETTY);
    expect(readFileSync(join(repo.dir, "a.js"), "utf8")).toBe(PRETTY);
    expect(repo.git("status", "--porcelain")).toBe("");
  });

  it("keeps unstaged lines of a partially staged file when prettier fixes the staged part", () => {
    const repo = prettierRepo();
    repo.commit("feat: base", { "b.js": "const x = 1;\n" });
    repo.write({ "b.js": "const x = 1;\nconst   y = {z:2}\n" });
    repo.git("add", "b.js");
    const unstaged = "const x = 1;\nconst   y = {z:2}\n// work in progress, not staged\n";
    repo.write({ "b.js": unstaged });
    const result = commit(repo, "-m", "feat: add y");
    expect(result.status, result.stderr).toBe(0);
    expect(repo.git("show", "HEAD:b.js") + "\n").toBe("const x = 1;\nconst y = { z: 2 };\n");
    expect(readFileSync(join(repo.dir, "b.js"), "utf8")).toBe(unstaged);
  });

  it("writes the fix into the temporary index of `git commit -a` and leaves the index in step", () => {
    const repo = prettierRepo();
    repo.commit("feat: base", { "c.js": "const c = 1;\n" });
    repo.write({ "c.js": "const   c = {d:1}\n" });
    const result = commit(repo, "-a", "-m", "feat: change c");
    expect(result.status, result.stderr).toBe(0);
    expect(repo.git("show", "HEAD:c.js") + "\n").toBe("const c = { d: 1 };\n");
    expect(repo.git("status", "--porcelain")).toBe("");
  });

  it("fixes only the named file in a pathspec commit and keeps the index consistent afterwards", () => {
    const repo = prettierRepo();
    repo.commit("feat: base", { "d.js": "const d = 1;\n", "e.js": "const e = 1;\n" });
    repo.write({ "d.js": "const   d = {x:1}\n", "e.js": "const   e = 2\n" });
    repo.git("add", "e.js");
    const result = commit(repo, "-m", "feat: change d", "--", "d.js");
    expect(result.status, result.stderr).toBe(0);
    expect(repo.git("show", "HEAD:d.js") + "\n").toBe("const d = { x: 1 };\n");
    expect(repo.git("show", "HEAD:e.js") + "\n").toBe("const e = 1;\n");
    expect(repo.git("diff", "--cached", "--name-only")).toBe("e.js");
    expect(repo.git("diff", "--name-only")).toBe("");
  });

  it("blocks a commit that the fixers turned back into HEAD, losing nothing", () => {
    const repo = prettierRepo();
    repo.commit("feat: base", { "f.js": PRETTY });
    repo.write({ "f.js": UGLY });
    repo.git("add", "f.js");
    const head = repo.git("rev-parse", "HEAD");
    const result = commit(repo, "-m", "style: reformat");
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("nothing is left to commit");
    expect(repo.git("rev-parse", "HEAD")).toBe(head);
    expect(repo.git("diff", "--cached", "--name-only")).toBe("f.js");
    expect(readFileSync(join(repo.dir, "f.js"), "utf8")).toBe(UGLY);
  });

  it("works before the first commit and in a merge in progress", () => {
    const repo = createRepo();
    linkTools(repo.dir, ["prettier"]);
    repo.write({ ".shipgate.yml": "policies:\n  prettier: error\n", "g.js": UGLY });
    installHooks(repo);
    repo.git("add", "-A");
    expect(commit(repo, "-m", "feat: first").status).toBe(0);
    expect(repo.git("show", "HEAD:g.js") + "\n").toBe(PRETTY);

    repo.git("checkout", "-q", "-b", "side");
    repo.commit("feat: side", { "side.txt": "s\n" });
    repo.git("checkout", "-q", "main");
    repo.commit("feat: main", { "main.txt": "m\n" });
    repo.gitRaw(["merge", "--no-commit", "--no-ff", "side"]);
    repo.write({ "h.js": UGLY });
    repo.git("add", "h.js");
    const merged = commit(repo, "--no-edit");
    expect(merged.status, merged.stderr).toBe(0);
    expect(repo.git("rev-list", "--parents", "-n", "1", "HEAD").split(" ")).toHaveLength(3);
    expect(repo.git("show", "HEAD:h.js") + "\n").toBe(PRETTY);
  });
});

describe("pre-commit checks", () => {
  it("refuses a staged secret and shows file, line and the fix", () => {
    const repo = prettierRepo();
    repo.write({ "config.txt": "ok\naws_key = AKIAIOSFODNN7EXAMPLQ\n" });
    repo.git("add", "config.txt");
    const result = commit(repo, "-m", "feat: config");
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/config\.txt:2/);
    expect(result.stderr).toMatch(/fix:/);
    expect(repo.git("rev-list", "--count", "HEAD")).toBe("1");
  });

  it("reads the staged version, not the work tree", () => {
    const repo = prettierRepo();
    repo.write({ "s.txt": "token = AKIAIOSFODNN7EXAMPLQ\n" });
    repo.git("add", "s.txt");
    repo.write({ "s.txt": "clean now\n" });
    expect(commit(repo, "-m", "feat: s").status).toBe(1);
  });

  it("is skipped, and says so, with SHIPGATE=0; SHIPGATE_SKIP skips only the named policy", () => {
    const repo = prettierRepo();
    repo.write({ "k.txt": "token = AKIAIOSFODNN7EXAMPLQ\n" });
    repo.git("add", "k.txt");
    const skipped = repo.gitRaw(["commit", "-q", "-m", "feat: k"], { env: { SHIPGATE: "0" } });
    expect(skipped.status).toBe(0);
    expect(skipped.stderr).toContain("SHIPGATE=0");
    repo.write({ "l.txt": "token = AKIAIOSFODNN7EXAMPLQ\n" });
    repo.git("add", "l.txt");
    const partly = repo.gitRaw(["commit", "-q", "-m", "feat: l"], { env: { SHIPGATE_SKIP: "secrets" } });
    expect(partly.status, partly.stderr).toBe(0);
    expect(partly.stderr).toContain("SHIPGATE_SKIP skips secrets");
  });
});
