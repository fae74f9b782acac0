import { describe, expect, it } from "vitest";
import { existsSync, lstatSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { createRepo, installHooks, linkTools, type TestRepo } from "@shipgate/test-utils";

const UGLY = "const   a = {b:1}\n";
const PRETTY = "const a = { b: 1 };\n";

function repo(): TestRepo {
  const r = createRepo();
  linkTools(r.dir, ["prettier"]);
  r.write({
    ".shipgate.yml": "policies:\n  prettier: error\n  secrets: error\n  forbidden-paths: error\n  file-size: { max: 1 KB }\n",
    "keep.js": PRETTY,
    "old.js": PRETTY,
    "gone.js": PRETTY,
  });
  r.git("add", "-A");
  r.git("commit", "-q", "--no-verify", "-m", "chore: base");
  installHooks(r);
  return r;
}

const commit = (r: TestRepo, ...args: string[]) => r.gitRaw(["commit", "-q", ...args]);

describe("pre-commit on unusual staged content", () => {
  it("fixes a renamed file under its new name and does not resurrect a deleted one", () => {
    const r = repo();
    r.git("mv", "old.js", "new.js");
    r.write({ "new.js": UGLY });
    r.git("add", "new.js");
    r.git("rm", "-q", "gone.js");
    const result = commit(r, "-m", "refactor: rename");
    expect(result.status, result.stderr).toBe(0);
    expect(r.git("show", "HEAD:new.js") + "\n").toBe(PRETTY);
    expect(r.git("ls-tree", "--name-only", "HEAD")).not.toContain("gone.js");
    expect(existsSync(join(r.dir, "gone.js"))).toBe(false);
  });

  it("leaves binary files, symlinks and submodule entries alone", () => {
    const r = repo();
    r.write({ "blob.bin": Buffer.from([0, 1, 2, 255, 0]), "link.js": { symlink: "keep.js" } });
    r.git("add", "blob.bin", "link.js");
    r.git("update-index", "--add", "--cacheinfo", `160000,${r.git("rev-parse", "HEAD")},vendor/sub`);
    const result = commit(r, "-m", "chore: assets");
    expect(result.status, result.stderr).toBe(0);
    expect(readlinkSync(join(r.dir, "link.js"))).toBe("keep.js");
    expect(lstatSync(join(r.dir, "link.js")).isSymbolicLink()).toBe(true);
    expect(r.git("cat-file", "-t", "HEAD:vendor/sub")).toBe("commit");
    expect(readFileSync(join(r.dir, "blob.bin"))).toEqual(Buffer.from([0, 1, 2, 255, 0]));
  });

  it("handles spaces, unicode, quotes, dashes and newlines in file names", () => {
    const r = repo();
    const names = ["with space.js", "ünïcødé 日本.js", 'q"uote.js', "-leading-dash.js", "new\nline.js", "$(touch pwned).js"];
    r.write(Object.fromEntries(names.map((n) => [n, UGLY])));
    r.git("add", "--", ...names);
    const result = commit(r, "-m", "feat: odd names");
    expect(result.status, result.stderr).toBe(0);
    for (const name of names) expect(readFileSync(join(r.dir, name), "utf8"), name).toBe(PRETTY);
    expect(existsSync(join(r.dir, "pwned"))).toBe(false);
  });

  it("refuses a forbidden path and an oversized file, naming each", () => {
    const r = repo();
    r.write({ id_rsa: "key\n", "big.txt": "x".repeat(2000) });
    r.git("add", "id_rsa", "big.txt");
    const result = commit(r, "-m", "feat: stuff");
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("id_rsa matches the forbidden pattern");
    expect(result.stderr).toMatch(/big\.txt is 2 KB, over the 1 KB limit/);
  });

  it("fixes what an amend adds", () => {
    const r = repo();
    r.write({ "amend.js": PRETTY });
    r.git("add", "amend.js");
    expect(commit(r, "-m", "feat: amend me").status).toBe(0);
    r.write({ "amend.js": PRETTY + UGLY });
    r.git("add", "amend.js");
    const result = commit(r, "--amend", "--no-edit");
    expect(result.status, result.stderr).toBe(0);
    expect(r.git("show", "HEAD:amend.js") + "\n").toBe(PRETTY + PRETTY);
    expect(r.git("rev-list", "--count", "HEAD")).toBe("2");
  });
});
