import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createRepo, type TestRepo } from "@shipgate/test-utils";
import { openRepo } from "../git/repo.js";
import { KEYWORDS } from "../policies/secrets.js";
import { SCAN_LIMIT } from "./blob-scan.js";
import { fillSizes, readCommitDiffs } from "./read-diffs.js";
import { ScannedDiffs } from "./scanned-diffs.js";
import type { FileChange, LineSelection } from "./types.js";

/**
 * A history with every kind of file version git diffs differently: plain text, a keyword line, binaries (added,
 * changed, turned text and back), a text file over the scan limit, links, a file turned link, a submodule, renames,
 * a deletion, a mode change, odd names, an empty file, a merge whose resolution adds a line of its own, and paths a
 * `diff` attribute makes git diff as binary or as text.
 */
function variedHistory(): { repo: TestRepo; commits: string[] } {
  const repo = createRepo({ files: { "plain.txt": "one\n", "moved.txt": "a line that moves along\nand another\nand a third\n" } });
  const base = repo.git("rev-parse", "HEAD");
  writeFileSync(join(repo.dir, ".git", "info", "attributes"), "forced.txt diff\n*.nodiff -diff\n");
  repo.commit("feat: plain edit", { "plain.txt": "one\ntwo\n" });
  repo.commit("feat: keyword", { "config.js": "const api_token = 'abc123abc123abc123';\n" });
  repo.commit("feat: binary", { "bin.dat": Buffer.from([1, 0, 2, 3, 10]) });
  repo.commit("feat: binary again", { "bin.dat": Buffer.from([1, 0, 2, 3, 4, 10]), "flip.dat": Buffer.from([0, 9, 10]) });
  repo.commit("feat: binary turns text", { "flip.dat": "text now\n", "other.dat": "text first\n" });
  repo.commit("feat: text turns binary", { "other.dat": Buffer.from([0, 0, 10]) });
  repo.commit("feat: large text", { "big.txt": "x".repeat(SCAN_LIMIT) + "\nand a token past the scan limit\n" });
  repo.commit("feat: link", { link: { symlink: "plain.txt" } });
  repo.commit("feat: link moves", { link: { symlink: "moved.txt" } });
  repo.git("rm", "-q", "plain.txt");
  repo.commit("feat: file turns link", { "plain.txt": { symlink: "config.js" } });
  repo.git("update-index", "--add", "--cacheinfo", `160000,${base},sub`);
  repo.commit("feat: submodule");
  repo.git("update-index", "--cacheinfo", `160000,${repo.git("rev-parse", "HEAD~1")},sub`);
  repo.commit("feat: submodule moves");
  repo.git("mv", "moved.txt", "renamed.txt");
  repo.commit("feat: rename with an edit", { "renamed.txt": "a line that moves along\nand another\nand a third\nplus password here\n" });
  repo.git("mv", "config.js", "settings.js");
  repo.commit("feat: pure rename");
  repo.git("rm", "-q", "flip.dat");
  repo.commit("feat: deletion");
  repo.git("update-index", "--chmod=+x", "other.dat");
  repo.commit("feat: mode change");
  repo.commit("feat: odd names", { "caf\u00e9.txt": "caf\u00e9\n", "line\nbreak.txt": "x\n", "empty.txt": "" });
  repo.commit("feat: attribute makes text", { "forced.txt": Buffer.from("text\0with a NUL and a token\n") });
  repo.commit("feat: attribute makes binary", { "plain.nodiff": "no keyword\n" });
  repo.commit("feat: middle size", { "middle.txt": "forty bytes of plain text, nothing else\n" });
  repo.commit("feat: middle shrinks", { "middle.txt": "short\n" });
  repo.git("switch", "-qc", "side");
  repo.commit("feat: side", { "side.txt": "side\n", "renamed.txt": "a line that moves along\nand another\nand a third\nplus password here\nside\n" });
  repo.git("switch", "-q", "main");
  repo.commit("feat: main", { "main.txt": "main\n", "renamed.txt": "main\na line that moves along\nand another\nand a third\nplus password here\n" });
  repo.git("merge", "-q", "--no-commit", "side");
  repo.write({ "side.txt": "side\nresolved with a secret of its own\n" });
  repo.git("add", "-A");
  repo.git("commit", "-q", "-m", "merge");
  repo.git("switch", "-qc", "bin-side", "HEAD~1");
  repo.commit("feat: side binary", { "side.dat": Buffer.from([0, 1, 10]) });
  repo.git("switch", "-q", "main");
  repo.git("merge", "-q", "--no-edit", "bin-side");
  for (let i = 0; i < 6; i++) repo.commit(`feat: more ${i}`, { [`more/${i}.txt`]: `plain ${i}\n` });
  const commits = repo.git("rev-list", "HEAD", "--not", base).split("\n");
  return { repo, commits };
}

/** What a patched diff of every commit gives, sizes included: the reference the scan must match. */
async function patched(repo: TestRepo, commits: readonly string[], lines: LineSelection): Promise<Map<string, FileChange[]>> {
  const git = (await openRepo(repo.dir, repo.env)).git;
  const diffs = await readCommitDiffs(git, commits, lines);
  await fillSizes(git, [...diffs.values()].flat());
  return diffs;
}

async function scanned(repo: TestRepo, commits: readonly string[], lines: LineSelection, sample: number, seen: FileChange[] = []) {
  const git = (await openRepo(repo.dir, repo.env)).git;
  const diffs = new ScannedDiffs(git, lines, (files) => seen.push(...files), { sample, block: 3 });
  // In pieces, as a walk streams them.
  for (let i = 0; i < commits.length; i += 5) diffs.add(commits.slice(i, i + 5));
  const found = await diffs.done();
  // Files diffed with patches from the start get their sizes from the caller, as buildRangeChange does.
  await fillSizes(git, seen);
  return found;
}

describe("ScannedDiffs", () => {
  it("gives every commit the files a patched diff gives, sizes included, whichever commits need their patch", async () => {
    const { repo, commits } = variedHistory();
    for (const lines of [KEYWORDS, "none", /zzz-never-there/, /e/] as const) {
      const expected = await patched(repo, commits, lines);
      expect(await scanned(repo, commits, lines, 4)).toEqual(expected);
    }
    // Larger blobs count as binary above core.bigFileThreshold, without being read.
    repo.git("config", "core.bigFileThreshold", "20");
    expect(await scanned(repo, commits, KEYWORDS, 4)).toEqual(await patched(repo, commits, KEYWORDS));
  });

  it("finds the keyword lines, binaries and merge-only lines a patched diff finds", async () => {
    const { repo, commits } = variedHistory();
    const files = [...(await scanned(repo, commits, KEYWORDS, 4)).values()].flat();
    const kept = files.flatMap((f) => f.addedLines.map((l) => `${f.path}:${l.line}:${l.text}`));
    expect(kept).toEqual(
      expect.arrayContaining([
        "config.js:1:const api_token = 'abc123abc123abc123';",
        "renamed.txt:4:plus password here",
        "side.txt:2:resolved with a secret of its own",
        "big.txt:2:and a token past the scan limit",
        "forced.txt:1:text\0with a NUL and a token",
      ]),
    );
    const binaries = files.filter((f) => f.binary).map((f) => f.path);
    expect(binaries).toEqual(expect.arrayContaining(["bin.dat", "flip.dat", "other.dat", "plain.nodiff", "side.dat"]));
  });

  it("diffs the rest with patches straight away when most of the sample needs them, with the same result", async () => {
    const repo = createRepo({ files: { "a.txt": "a\n" } });
    const base = repo.git("rev-parse", "HEAD");
    for (let i = 0; i < 12; i++) repo.commit(`feat: ${i}`, { [`f${i}.txt`]: `token ${i}\n`, "plain.txt": `${i}\n` });
    const commits = repo.git("rev-list", "HEAD", "--not", base).split("\n");
    const seen: FileChange[] = [];
    expect(await scanned(repo, commits, KEYWORDS, 4, seen)).toEqual(await patched(repo, commits, KEYWORDS));
    // The 8 commits after the sample of 4 went straight to the patched diff, which hands their files over.
    expect(new Set(seen.map((f) => f.commit)).size).toBe(8);
  });
});
