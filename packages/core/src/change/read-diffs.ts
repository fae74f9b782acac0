/** Reads diffs in bulk for the change model: a few diff processes per push, never one per commit or per file. */
import type { Git } from "../git/runner.js";
import { GitError } from "../errors.js";
import type { Writable } from "node:stream";
import { parseDiffOutput, parseDiffPrefix, type ParseOptions, type ParsedCommitDiff } from "../git/diff-parse.js";
import { SizeQuery } from "../git/cat-file.js";
import { LOOSE_LIMIT, looseSizes } from "../git/loose-objects.js";
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
 * Diffs of many commits with `git diff-tree --stdin`; merges are diffed against all parents (`--cc`). The list is
 * split into contiguous shards diffed by parallel processes (one per core, at most four), each spooled through a
 * file and parsed while git writes it. `onCommit` sees each commit's files as soon as they are parsed.
 */
export async function readCommitDiffs(
  git: Git,
  commits: readonly string[],
  lines: LineSelection = "all",
  onCommit?: (files: readonly FileChange[]) => void,
): Promise<Map<string, FileChange[]>> {
  const diffs = new CommitDiffs(git, lines, onCommit, Math.max(SHARD_MIN, Math.ceil(commits.length / parallelism())));
  diffs.add(commits);
  return diffs.done();
}

/**
 * Diffs of commits named while they are still being found (a walk that streams): each block of `block` ids goes to
 * the next of up to one process per core, so the diffs start with the first block and the walk's time is hidden.
 */
export class CommitDiffs {
  private readonly processes: { stdin: Writable; done: Promise<void> }[] = [];
  private readonly byCommit = new Map<string, FileChange[]>();
  private readonly asked: string[] = [];
  private pending: string[] = [];
  private sent = 0;
  private readonly options: ParseOptions;

  constructor(
    private readonly git: Git,
    lines: LineSelection,
    private readonly onCommit?: (files: readonly FileChange[]) => void,
    private readonly block = SHARD_MIN,
  ) {
    this.options = { commitHeaders: true, lines };
  }

  add(commits: readonly string[]): void {
    // Indexed loops on the hot path: a short-lived hook runs them unoptimised, where for-of allocates per step.
    for (let i = 0; i < commits.length; i++) {
      const oid = commits[i] as string;
      this.asked.push(oid);
      this.pending.push(oid);
      if (this.pending.length >= this.block) this.send();
    }
  }

  /** Every commit's files; a commit git could not diff is an error. */
  async done(): Promise<Map<string, FileChange[]>> {
    if (this.pending.length > 0) this.send();
    for (const process of this.processes) process.stdin.end();
    await Promise.all(this.processes.map((process) => process.done));
    // `--always` prints every commit it can read; diff-tree skips unreadable ids silently, so a gap means a broken input.
    const missing = this.asked.find((oid) => !this.byCommit.has(oid));
    if (missing !== undefined) throw new GitError(COMMIT_DIFF_ARGS, 0, `no diff for commit ${missing}: the object is missing or not a commit`);
    return this.byCommit;
  }

  /** The pending block, to the process after the one that took the last (started on first use). */
  private send(): void {
    const index = this.sent++ % parallelism();
    this.processes[index] ??= this.git.spool(COMMIT_DIFF_ARGS, (data, done) => this.take(data, done));
    this.processes[index].stdin.write(this.pending.join("\n") + "\n");
    this.pending = [];
  }

  private take(data: Buffer, done: boolean): number {
    const { diffs, consumed } = done ? { diffs: parseDiffOutput(data, this.options), consumed: data.length } : parseDiffPrefix(data, this.options);
    for (let i = 0; i < diffs.length; i++) {
      const diff = diffs[i] as ParsedCommitDiff;
      if (diff.commit === null) continue;
      this.byCommit.set(diff.commit, diff.files);
      this.onCommit?.(diff.files);
    }
    return consumed;
  }
}

const COMMIT_DIFF_ARGS = ["diff-tree", "--stdin", "--root", "--cc", "--always", ...DIFF_FLAGS];
/** Fewer commits than this per process are not worth another one. */
const SHARD_MIN = 400;

function parallelism(): number {
  return Math.max(1, Math.min(availableParallelism(), 4));
}

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

/** Sizes of file versions' blobs, asked for while other work goes on and filled in, in the order asked, at the end. */
export class FileSizes {
  private readonly query: SizeQuery;
  private readonly files: FileChange[] = [];

  constructor(git: Git) {
    this.query = new SizeQuery(git);
  }

  /** Asks for the size of a file version that has a blob (not a deletion, not a submodule). */
  add(file: FileChange): void {
    if (file.status === "D" || file.kind === "submodule") return;
    this.files.push(file);
    this.query.add(file.oid);
  }

  /** Sets `size` on every file asked for (null when its blob is missing). */
  async fill(): Promise<void> {
    const sizes = await this.query.inOrder();
    for (let i = 0; i < this.files.length; i++) (this.files[i] as FileChange).size = sizes[i] ?? null;
  }
}

/**
 * Fills `size` for every file version that has a blob and no size yet, with one batch-check; a few files' sizes come
 * from their loose objects in `objectsDir` when given (git/loose-objects.ts), and git is asked only for the rest.
 */
export async function fillSizes(git: Git, files: readonly FileChange[], objectsDir?: string): Promise<void> {
  const wanted = files.filter((file) => file.size === null && file.status !== "D" && file.kind !== "submodule");
  const loose =
    objectsDir !== undefined && wanted.length <= LOOSE_LIMIT
      ? looseSizes(
          objectsDir,
          wanted.map((file) => file.oid),
        )
      : new Map<string, number>();
  const sizes = new FileSizes(git);
  for (const file of wanted) {
    const known = loose.get(file.oid);
    if (known !== undefined) file.size = known;
    else sizes.add(file);
  }
  await sizes.fill();
}
