/** Runs one diff process and feeds it to the streaming parser: never a process per commit or per file. */
import type { Git } from "../git/runner.js";
import { GitError } from "../errors.js";
import { DiffStreamParser, type ParsedCommitDiff } from "../git/diff-parse.js";
import { objectSizes } from "../git/cat-file.js";
import type { FileChange } from "./types.js";

/** Flags every diff shares: exact paths, added lines only, merges against all parents, no user diff drivers. */
export const DIFF_FLAGS = [
  "-z",
  "--raw",
  "-p",
  "-U0",
  "-M",
  "--no-color",
  "--no-ext-diff",
  "--no-textconv",
  "--src-prefix=a/",
  "--dst-prefix=b/",
  "--no-relative",
  "--ignore-submodules=none",
  "--submodule=short",
];

/** Diffs of many commits with one `git diff-tree --stdin`; merges are diffed against all parents (`--cc`). */
export async function readCommitDiffs(git: Git, commits: readonly string[]): Promise<Map<string, FileChange[]>> {
  const byCommit = new Map<string, FileChange[]>();
  if (commits.length === 0) return byCommit;
  const parser = new DiffStreamParser((diff: ParsedCommitDiff) => {
    if (diff.commit !== null) byCommit.set(diff.commit, diff.files);
  }, true);
  await streamInto(git, ["diff-tree", "--stdin", "--root", "--cc", "--always", ...DIFF_FLAGS], commits.join("\n") + "\n", parser);
  return byCommit;
}

/** The index against HEAD (or the empty tree before the first commit). */
export async function readIndexDiff(git: Git, base: string): Promise<FileChange[]> {
  let files: FileChange[] = [];
  const parser = new DiffStreamParser((diff) => {
    files = diff.files;
  }, false);
  await streamInto(git, ["diff-index", "--cached", ...DIFF_FLAGS, base, "--"], "", parser);
  return files;
}

/** Fills `size` for every file version that has a blob, with one batch-check. */
export async function fillSizes(git: Git, files: readonly FileChange[]): Promise<void> {
  const wanted = [...new Set(files.filter((f) => f.status !== "D" && f.kind !== "submodule").map((f) => f.oid))];
  const sizes = await objectSizes(git, wanted);
  for (const file of files) file.size = sizes.get(file.oid) ?? null;
}

async function streamInto(git: Git, args: string[], input: string, parser: DiffStreamParser): Promise<void> {
  const child = git.spawn(args);
  const stderr: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => parser.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
  child.stdin.on("error", () => undefined);
  child.stdin.end(input);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  if (code !== 0) throw new GitError(args, code, Buffer.concat(stderr).toString("utf8"));
  parser.end();
}
