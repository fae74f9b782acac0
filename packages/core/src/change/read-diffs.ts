/** Reads diffs in bulk for the change model: a few diff processes per push, never one per commit or per file. */
import type { Git } from "../git/runner.js";
import { GitError } from "../errors.js";
import { parseDiffOutput, parseDiffPrefix } from "../git/diff-parse.js";
import { SizeQuery } from "../git/cat-file.js";
import { availableParallelism } from "node:os";
import type { FileChange, LineSelection } from "./types.js";

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

/**
 * Diffs of many commits with `git diff-tree --stdin`; merges are diffed against all parents (`--cc`). A long list is
 * split into contiguous shards, each diffed by its own process into a file (one per core, at most four), and parsed
 * while git writes it. `onCommit` sees each commit's files as soon as they are parsed. `lines` says which added lines
 * to keep.
 */
export async function readCommitDiffs(
  git: Git,
  commits: readonly string[],
  lines: LineSelection = "all",
  onCommit?: (files: readonly FileChange[]) => void,
): Promise<Map<string, FileChange[]>> {
  const byCommit = new Map<string, FileChange[]>();
  if (commits.length === 0) return byCommit;
  const parallel = Math.max(1, Math.min(availableParallelism(), MAX_PARALLEL));
  const count = Math.max(1, Math.min(parallel * SHARDS_PER_PROCESS, Math.floor(commits.length / SHARD_MIN)));
  const size = Math.ceil(commits.length / count);
  const shards = Array.from({ length: count }, (_, i) => commits.slice(i * size, (i + 1) * size)).filter((shard) => shard.length > 0);
  const options = { commitHeaders: true, lines };
  let next = 0;
  const worker = async () => {
    while (next < shards.length) {
      const shard = shards[next++] as string[];
      // Commits are parsed as git writes them, so node's work overlaps git's.
      await git.spool(COMMIT_DIFF_ARGS, shard.join("\n") + "\n", (data, done) => {
        const { diffs, consumed } = done ? { diffs: parseDiffOutput(data, options), consumed: data.length } : parseDiffPrefix(data, options);
        for (const diff of diffs) {
          if (diff.commit === null) continue;
          byCommit.set(diff.commit, diff.files);
          onCommit?.(diff.files);
        }
        return consumed;
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, shards.length) }, worker));
  // `--always` prints every commit it can read; diff-tree skips unreadable ids silently, so a gap means a broken input.
  const missing = commits.find((oid) => !byCommit.has(oid));
  if (missing !== undefined) throw new GitError(COMMIT_DIFF_ARGS, 0, `no diff for commit ${missing}: the object is missing or not a commit`);
  return byCommit;
}

const COMMIT_DIFF_ARGS = ["diff-tree", "--stdin", "--root", "--cc", "--always", ...DIFF_FLAGS];
const MAX_PARALLEL = 4;
/** Shards per process: a shard is parsed while the next is diffed, so node's work overlaps git's. */
const SHARDS_PER_PROCESS = 1;
/** Fewer commits than this per shard are not worth another process. */
const SHARD_MIN = 400;

/** The index against HEAD (or the empty tree before the first commit). */
export async function readIndexDiff(git: Git, base: string, lines: LineSelection = "all"): Promise<FileChange[]> {
  const { stdout } = await git.run(["diff-index", "--cached", ...DIFF_FLAGS, base, "--"]);
  return parseDiffOutput(stdout, { commitHeaders: false, lines })[0]?.files ?? [];
}

/**
 * Every file of a tree, as added: what a ref pointing straight at a tree brings (`git tag t <tree>`), so its content is
 * checked like a commit's; the tree's id stands where a commit id would.
 */
export async function readTreeFiles(git: Git, emptyTree: string, tree: string, lines: LineSelection = "all"): Promise<FileChange[]> {
  const output = await git.capture(["diff-tree", "-r", ...DIFF_FLAGS, emptyTree, tree, "--"], "");
  const files = parseDiffOutput(output, { commitHeaders: false, lines })[0]?.files ?? [];
  for (const file of files) file.commit = tree;
  return files;
}

/** A blob a ref points straight at (`git tag key <blob>`), as an added file named after the ref. */
export function blobFile(ref: string, oid: string, content: Buffer): FileChange {
  const binary = content.subarray(0, 8000).includes(0);
  const lines = binary ? [] : content.toString("utf8").split("\n");
  if (lines.at(-1) === "") lines.pop();
  return {
    path: ref,
    pathBytes: Buffer.from(ref),
    oldPath: null,
    status: "A",
    mode: "100644",
    oid,
    kind: "file",
    binary,
    addedLines: lines.map((text, i) => ({ line: i + 1, text })),
    size: content.length,
    commit: oid,
  };
}

/** Asks `query` for the size of a file version when it has a blob. */
export function wantSize(query: SizeQuery, file: FileChange): void {
  if (file.status !== "D" && file.kind !== "submodule") query.add(file.oid);
}

/** Fills `size` for every file version that has a blob, with one batch-check. */
export async function fillSizes(git: Git, files: readonly FileChange[]): Promise<void> {
  const query = new SizeQuery(git);
  for (const file of files) wantSize(query, file);
  applySizes(files, await query.sizes());
}

export function applySizes(files: readonly FileChange[], sizes: ReadonlyMap<string, number>): void {
  for (const file of files) file.size = sizes.get(file.oid) ?? null;
}
