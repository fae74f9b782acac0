import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { createRepo } from "@shipgate/test-utils";
import { KEYWORDS } from "../policies/secrets.js";
import { DIFF_FLAGS } from "../change/read-diffs.js";
import { parseDiffOutput, parseDiffPrefix, type ParsedCommitDiff } from "./diff-parse.js";

/**
 * A history that exercises the parser: keyword lines after non-ASCII text, a merge with lines of its own, a rename,
 * a binary file, names that are 40 hex digits, hold a newline or are not UTF-8, and a commit that changes nothing.
 */
function diffOutput(): Buffer {
  const repo = createRepo({ files: { "a.txt": "one\n", "moved.txt": "same content for the rename test\nline two\nline three\n" } });
  repo.write({ "a.txt": "one\nä ö ü token = 'x'\nplain\n", "0123456789abcdef0123456789abcdef01234567": "hex name\npassword: y\n" });
  repo.git("add", "-A");
  repo.git("commit", "-qm", "feat: first");
  repo.git("switch", "-qc", "side");
  repo.write({ "side.txt": "secret one\n", "line\nbreak.txt": "api_key = z\n" });
  repo.git("add", "-A");
  repo.git("commit", "-qm", "feat: side");
  repo.git("switch", "-q", "main");
  repo.git("mv", "moved.txt", "renamed.txt");
  repo.write({ "bin.dat": Buffer.from([0, 1, 2, 0, 255, 10]) });
  repo.git("add", "-A");
  repo.git("commit", "-qm", "feat: main");
  repo.git("merge", "-q", "--no-commit", "side");
  repo.write({ "a.txt": "one\nä ö ü token = 'x'\nplain\nmerge-only credential\n" });
  repo.git("add", "-A");
  repo.git("commit", "-qm", "merge");
  const name = Buffer.from("caf\xe9 token.txt", "latin1");
  const blob = repo.gitRaw(["hash-object", "-w", "--stdin"], { input: "gh token here\nüber\n" }).stdout.trim();
  repo.gitRaw(["update-index", "--add", "-z", "--index-info"], { input: Buffer.concat([Buffer.from(`100644 ${blob}\t`), name, Buffer.from([0])]) });
  repo.git("commit", "-qm", "feat: odd name");
  repo.git("commit", "-q", "--allow-empty", "-m", "chore: empty");
  const commits = repo.git("rev-list", "--reverse", "--topo-order", "HEAD") + "\n";
  return spawnSync("git", ["diff-tree", "--stdin", "--root", "--cc", "--always", ...DIFF_FLAGS], { cwd: repo.dir, env: repo.env, input: commits }).stdout;
}

/** Commit id, path, kind, binary flag and added lines: what policies read. */
function summary(diffs: readonly ParsedCommitDiff[]) {
  return diffs.map((d) => ({ commit: d.commit, files: d.files.map((f) => [f.path, f.status, f.binary, f.addedLines]) }));
}

describe("parseDiffOutput", () => {
  it("keeps only lines the pattern matches, with the same numbers and text as when it keeps every line", () => {
    const output = diffOutput();
    const all = parseDiffOutput(output, { commitHeaders: true });
    const some = parseDiffOutput(output, { commitHeaders: true, lines: KEYWORDS });
    const none = parseDiffOutput(output, { commitHeaders: true, lines: "none" });
    const expected = all.map((d) => ({ ...d, files: d.files.map((f) => ({ ...f, addedLines: f.addedLines.filter((l) => KEYWORDS.test(l.text)) })) }));
    expect(summary(some)).toEqual(summary(expected));
    expect(summary(none)).toEqual(summary(all.map((d) => ({ ...d, files: d.files.map((f) => ({ ...f, addedLines: [] })) }))));
    const kept = some.flatMap((d) => d.files.flatMap((f) => f.addedLines.map((l) => `${f.path}:${l.line}:${l.text}`)));
    expect(kept).toEqual(
      expect.arrayContaining([
        "a.txt:2:ä ö ü token = 'x'",
        "a.txt:4:merge-only credential",
        "line\nbreak.txt:1:api_key = z",
        "caf\\351 token.txt:1:gh token here",
        "0123456789abcdef0123456789abcdef01234567:2:password: y",
      ]),
    );
    expect(all.flatMap((d) => d.files).find((f) => f.path === "bin.dat")?.binary).toBe(true);
    expect(all.at(-1)?.files).toEqual([]);
  });
});

describe("parseDiffOutput with a pattern", () => {
  it("keeps the lines it keeps with every line read, wherever the keyword sits: removed lines, later hunks, no final newline", () => {
    const lines = (n: number, at: Record<number, string>) => Array.from({ length: n }, (_, i) => at[i] ?? `line ${i}`).join("\n");
    const repo = createRepo({
      files: { "a.txt": lines(40, { 3: "old token here" }) + "\n", "b.txt": "x\n", "c.txt": "keep\n", "d.txt": lines(40, {}) + "\n" },
    });
    // A keyword only in a removed line, one added right after removed lines, one in a later hunk only, one on a last
    // line without a newline, and a header-like added line (`++ token`) whose text starts with `+`.
    repo.write({ "d.txt": lines(40, { 3: "plain", 30: "far password = 1" }) + "\n" });
    repo.git("commit", "-qam", "feat: a keyword in a later hunk only");
    repo.write({ "a.txt": lines(40, { 3: "plain now", 4: "new secret line" }) + "\n", "b.txt": "x\ncredential" });
    repo.write({ "c.txt": "keep\n++ token\n" });
    repo.git("add", "-A");
    repo.git("commit", "-qm", "feat: edits");
    repo.git("switch", "-qc", "side");
    repo.write({ "b.txt": "x\nside api_key\n" });
    repo.git("commit", "-qam", "feat: side");
    repo.git("switch", "-q", "main");
    repo.write({ "c.txt": "keep\n++ token\nmain\n" });
    repo.git("commit", "-qam", "feat: main");
    repo.git("merge", "-q", "--no-commit", "side");
    repo.write({ "b.txt": "x\nside api_key\nmerge token only\n" });
    repo.git("add", "-A");
    repo.git("commit", "-qm", "merge");
    const commits = repo.git("rev-list", "--reverse", "--topo-order", "HEAD") + "\n";
    const output = spawnSync("git", ["diff-tree", "--stdin", "--root", "--cc", "--always", ...DIFF_FLAGS], {
      cwd: repo.dir,
      env: repo.env,
      input: commits,
    }).stdout;
    const all = parseDiffOutput(output, { commitHeaders: true });
    const some = parseDiffOutput(output, { commitHeaders: true, lines: KEYWORDS });
    const expected = all.map((d) => ({ ...d, files: d.files.map((f) => ({ ...f, addedLines: f.addedLines.filter((l) => KEYWORDS.test(l.text)) })) }));
    expect(summary(some)).toEqual(summary(expected));
    const kept = some.flatMap((d) => d.files.flatMap((f) => f.addedLines.map((l) => `${f.path}:${l.line}:${l.text}`)));
    expect(kept).toEqual(
      expect.arrayContaining(["a.txt:5:new secret line", "d.txt:31:far password = 1", "b.txt:2:credential", "c.txt:2:++ token", "b.txt:3:merge token only"]),
    );
    // Added by the first commit, removed by the next: kept once.
    expect(kept.filter((line) => line.includes("old token"))).toEqual(["a.txt:4:old token here"]);
  });
});

describe("parseDiffPrefix", () => {
  it("gives the same diffs however the output is cut while git writes it", () => {
    const output = diffOutput();
    const whole = summary(parseDiffOutput(output, { commitHeaders: true, lines: KEYWORDS }));
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 200; round++) {
      const cuts = Array.from({ length: 1 + Math.floor(random() * 6) }, () => Math.floor(random() * output.length)).sort((a, b) => a - b);
      const diffs: ParsedCommitDiff[] = [];
      let from = 0;
      for (const cut of [...cuts, output.length]) {
        if (cut < from) continue;
        const data = output.subarray(from, cut);
        if (cut === output.length) diffs.push(...parseDiffOutput(data, { commitHeaders: true, lines: KEYWORDS }));
        else {
          const { diffs: done, consumed } = parseDiffPrefix(data, { commitHeaders: true, lines: KEYWORDS });
          diffs.push(...done);
          from += consumed;
        }
      }
      expect(summary(diffs), `cuts ${cuts.join(",")}`).toEqual(whole);
    }
  });
});
