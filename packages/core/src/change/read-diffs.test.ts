import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createRepo, tempDir } from "@shipgate/test-utils";
import { GitError } from "../errors.js";
import { openRepo } from "../git/repo.js";
import { readCommitDiffs } from "./read-diffs.js";

/**
 * `count` commits on main via fast-import: commit i adds line `value <i>` to file f<i % 7>, and a file of its own;
 * commit BIG also adds a 2 MB file, so the diff output spans several reads of the spool file.
 */
function history(count: number): string {
  const out: string[] = [];
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}`;
  const files = new Map<string, string>();
  for (let i = 1; i <= count; i++) {
    const shared = `f${i % 7}.txt`;
    files.set(shared, `${files.get(shared) ?? ""}value ${i} ä\n`);
    out.push(`commit refs/heads/main\nmark :${i}\ncommitter T <t@example.com> ${1700000000 + i} +0000\n`, data(`feat: change ${i}\n`));
    if (i > 1) out.push(`from :${i - 1}\n`);
    out.push(`M 100644 inline ${shared}\n`, data(files.get(shared) ?? ""), `M 100644 inline own/${i}.txt\n`, data(`own ${i}\n`));
    if (i === BIG) out.push("M 100644 inline big.txt\n", data(Array.from({ length: BIG_LINES }, (_, n) => `line ${n + 1} ${"x".repeat(40)}\n`).join("")));
    out.push("\n");
  }
  return out.join("");
}

const BIG = 900;
const BIG_LINES = 40_000;
const savedTmp = process.env["TMPDIR"];
afterEach(() => {
  if (savedTmp === undefined) delete process.env["TMPDIR"];
  else process.env["TMPDIR"] = savedTmp;
});

describe("readCommitDiffs", () => {
  it("diffs a long history in parallel shards with the same result as one commit at a time, and leaves no spool file", async () => {
    const repo = createRepo();
    const count = 1700;
    const imported = repo.gitRaw(["fast-import", "--quiet"], { input: history(count) });
    expect(imported.status).toBe(0);
    const commits = repo.git("rev-list", "--reverse", "main").split("\n");
    expect(commits).toHaveLength(count);
    const spool = join(tempDir(), "tmp");
    mkdirSync(spool);
    process.env["TMPDIR"] = spool;

    const seen: string[] = [];
    const git = (await openRepo(repo.dir, repo.env)).git;
    const diffs = await readCommitDiffs(git, commits, "all", (files) => seen.push(...files.map((f) => `${f.commit ?? ""}:${f.path}`)));

    expect(readdirSync(spool)).toEqual([]);
    expect(diffs.size).toBe(count);
    expect(seen).toHaveLength(count * 2 + 1);
    const big = diffs.get(commits[BIG - 1] ?? "")?.find((f) => f.path === "big.txt");
    expect(big?.addedLines).toHaveLength(BIG_LINES);
    expect(big?.addedLines[BIG_LINES - 1]).toEqual({ line: BIG_LINES, text: `line ${BIG_LINES} ${"x".repeat(40)}` });
    for (const i of [1, 2, 850, 851, 1699, count]) {
      const oid = commits[i - 1] ?? "";
      const files = diffs.get(oid) ?? [];
      expect(files.filter((f) => f.path !== "big.txt").map((f) => [f.path, f.status, f.commit])).toEqual([
        [`f${i % 7}.txt`, i <= 7 ? "A" : "M", oid],
        [`own/${i}.txt`, "A", oid],
      ]);
      const lines = Math.ceil(i / 7);
      expect(files[0]?.addedLines).toEqual([{ line: lines, text: `value ${i} ä` }]);
      expect(files[1]?.addedLines).toEqual([{ line: 1, text: `own ${i}` }]);
    }
  });

  it("reports a commit it could not diff as a git error and removes its spool file", async () => {
    const repo = createRepo({ files: { "a.txt": "a\n" } });
    const spool = join(tempDir(), "tmp");
    mkdirSync(spool);
    process.env["TMPDIR"] = spool;
    const git = (await openRepo(repo.dir, repo.env)).git;
    await expect(readCommitDiffs(git, ["0123456789abcdef0123456789abcdef01234567"])).rejects.toBeInstanceOf(GitError);
    expect(readdirSync(spool)).toEqual([]);
  });
});
