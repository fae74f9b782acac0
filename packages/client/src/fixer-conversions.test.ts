/**
 * The fixer judges the work tree as git does (line-ending conversion, clean/smudge filters, file names that are not
 * UTF-8), and writes back what git itself would check out, so `git status` is clean after a fixed commit.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRepo, installHooks, linkTools, type TestRepo } from "@shipgate/test-utils";

const UGLY = "const   a = {b:1}\n";
const PRETTY = "const a = { b: 1 };\n";

function prettierRepo(config: Record<string, string> = {}, files: Record<string, string> = {}): TestRepo {
  const repo = createRepo();
  for (const [key, value] of Object.entries(config)) repo.git("config", key, value);
  linkTools(repo.dir, ["prettier"]);
  repo.write({ ".shipgate.yml": "policies:\n  prettier: error\n", ...files });
  repo.git("add", "-A");
  repo.git("commit", "-q", "--no-verify", "-m", "chore: init");
  installHooks(repo);
  return repo;
}

const commit = (repo: TestRepo, message: string) => repo.gitRaw(["commit", "-q", "-m", message]);

/** The committed bytes of the file named `name` (raw bytes: such names do not survive a round trip through UTF-8). */
function committedFile(repo: TestRepo, name: Buffer): Buffer {
  const tree = spawnSync("git", ["ls-tree", "-z", "HEAD"], { cwd: repo.dir, env: repo.env }).stdout;
  for (let start = 0; start < tree.length;) {
    const end = tree.indexOf(0, start);
    const entry = tree.subarray(start, end);
    const tab = entry.indexOf(9);
    if (entry.subarray(tab + 1).equals(name)) {
      const oid = entry.subarray(0, tab).toString().split(" ")[2] ?? "";
      return spawnSync("git", ["cat-file", "blob", oid], { cwd: repo.dir, env: repo.env }).stdout;
    }
    start = end + 1;
  }
  throw new Error(`${name.toString("latin1")} is not in HEAD`);
}

describe("pre-commit fixers and git's own view of the work tree", () => {
  it("formats the work tree copy too when core.autocrlf=true gives it CRLF line endings", () => {
    const repo = prettierRepo({ "core.autocrlf": "true" });
    repo.write({ "a.js": UGLY.replace(/\n/g, "\r\n") });
    repo.git("add", "a.js");
    const result = commit(repo, "feat: add a");
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).not.toContain("unstaged");
    expect(repo.git("show", "HEAD:a.js") + "\n").toBe(PRETTY);
    expect(readFileSync(join(repo.dir, "a.js"), "utf8")).toBe(PRETTY.replace(/\n/g, "\r\n"));
    expect(repo.git("status", "--porcelain")).toBe("");
  });

  it("formats the work tree copy of a file whose clean filter a checkout undoes, and writes it as git would check it out", () => {
    const repo = prettierRepo(
      { "filter.rev.clean": "sed -e 's/[$]Rev:[^$]*[$]/$Rev$/'", "filter.rev.smudge": "sed -e 's/[$]Rev[$]/$Rev: 42 $/'" },
      { ".gitattributes": "*.js filter=rev\n" },
    );
    repo.write({ "k.js": `// $Rev: 42 $\n${UGLY}` });
    repo.git("add", "k.js");
    expect(repo.git("show", ":k.js")).toBe(`// $Rev$\n${UGLY.trimEnd()}`);
    const result = commit(repo, "feat: add k");
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).not.toContain("unstaged");
    expect(repo.git("show", "HEAD:k.js") + "\n").toBe(`// $Rev$\n${PRETTY}`);
    expect(readFileSync(join(repo.dir, "k.js"), "utf8")).toBe(`// $Rev: 42 $\n${PRETTY}`);
    expect(repo.git("status", "--porcelain")).toBe("");
  });

  it("leaves the work tree copy alone, and says why, when its clean filter drops lines that a checkout would not bring back", () => {
    const repo = prettierRepo({ "filter.local.clean": "sed -e '/^[/][/] local only$/d'" }, { ".gitattributes": "*.js filter=local\n" });
    const local = `// local only\n${UGLY}`;
    repo.write({ "l.js": local });
    repo.git("add", "l.js");
    const result = commit(repo, "feat: add l");
    expect(result.status, result.stderr).toBe(0);
    expect(repo.git("show", "HEAD:l.js") + "\n").toBe(PRETTY);
    expect(readFileSync(join(repo.dir, "l.js"), "utf8")).toBe(local);
    expect(result.stderr).toMatch(/l\.js/);
    expect(result.stderr).toContain("filter");
  });

  it("formats a file whose name is Latin-1, not UTF-8, in the commit and in the work tree", () => {
    const repo = prettierRepo();
    const name = Buffer.from("caf\xe9.js", "latin1");
    const path = Buffer.concat([Buffer.from(`${repo.dir}/`), name]);
    writeFileSync(path, UGLY);
    repo.git("add", "-A");
    const result = commit(repo, "feat: add a latin-1 name");
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).not.toContain("unstaged");
    expect(committedFile(repo, name).toString()).toBe(PRETTY);
    expect(readFileSync(path, "utf8")).toBe(PRETTY);
    expect(repo.git("status", "--porcelain")).toBe("");
  });
});
