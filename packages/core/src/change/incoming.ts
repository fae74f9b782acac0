/**
 * The commits a push brings, found by one streaming walk whose ids go straight on to the diff and object readers:
 * diffs start with the walk's first block instead of after the whole walk, and the order is derived from the parents.
 */
import type { Git } from "../git/runner.js";
import { BulkRead } from "../git/cat-file.js";
import { CommitDiffs } from "./read-diffs.js";
import { parseCommitObject } from "./commit-object.js";
import type { CommitInfo, FileChange, LineSelection } from "./types.js";

export interface Incoming {
  /** The new commits, parents before children. */
  order: string[];
  commits: CommitInfo[];
  /** Their file versions, in commit order. */
  files: FileChange[];
}

/**
 * Commits reachable from `tips` and not from `known` (oids or pseudo-options such as `--all`), with their diffs.
 * `onFiles` sees each commit's files as soon as they are parsed (to ask for their sizes meanwhile).
 */
export async function readIncoming(
  git: Git,
  tips: readonly string[],
  known: readonly string[],
  lines: LineSelection,
  onFiles?: (files: readonly FileChange[]) => void,
): Promise<Incoming> {
  const diffs = new CommitDiffs(git, lines, onFiles, STREAM_BLOCK);
  // Commit objects are parsed as they arrive, while git is still diffing.
  const infos = new Map<string, CommitInfo>();
  const asked: string[] = [];
  const objects = new BulkRead(git, (object, index) => {
    const oid = asked[index] ?? "";
    if (object && object.type === "commit") infos.set(oid, parseCommitObject(oid, object.content));
  });
  await walk(git, tips, known, (batch) => {
    for (let i = 0; i < batch.length; i++) asked.push(batch[i] as string);
    diffs.add(batch);
    objects.add(batch);
  });
  // The commit objects are in well before the diffs: their order is worked out while git is still diffing.
  const ordered = objects.done().then(() => parentsFirst(asked, infos));
  const [byCommit, order] = await Promise.all([diffs.done(), ordered]);
  const commits: CommitInfo[] = [];
  // Loops, not push(...spread): one commit can add more files than a call takes arguments.
  const files: FileChange[] = [];
  for (let i = 0; i < order.length; i++) {
    const oid = order[i] as string;
    const info = infos.get(oid);
    if (info) commits.push(info);
    const own = byCommit.get(oid) ?? [];
    for (let j = 0; j < own.length; j++) files.push(own[j] as FileChange);
  }
  return { order, commits, files };
}

/** Ids per diff process before the next process takes over: long enough runs keep git's object cache warm. */
const STREAM_BLOCK = 500;

/**
 * `git rev-list`, unsorted so it prints as it walks; `onBatch` gets the ids of each piece of output. GIT_FLUSH=0 lets
 * git fill its output buffer instead of flushing after every commit: a 10,000-commit push came through a pipe in
 * ~2,600 pieces of five ids, each a wake-up of node and a write on to the readers, and now comes in ~80.
 */
async function walk(git: Git, tips: readonly string[], known: readonly string[], onBatch: (oids: string[]) => void): Promise<void> {
  let partial = "";
  const stream = git.withEnv({ GIT_FLUSH: "0" }).stream(["rev-list", "--stdin", "--not", ...known, "--"], tips.join("\n") + "\n", (chunk) => {
    const text = partial + chunk.toString("latin1");
    const end = text.lastIndexOf("\n");
    partial = text.slice(end + 1);
    if (end !== -1) onBatch(text.slice(0, end).split("\n"));
  });
  await stream.done;
  if (partial !== "") onBatch([partial]);
}

/**
 * The commits ordered so that parents come before children, oldest first along first parents: a depth-first walk from
 * each tip (newest first) that emits a commit once its parents within the set are out. Iterative, so a long history
 * cannot overflow the stack.
 */
export function parentsFirst(walked: readonly string[], infos: ReadonlyMap<string, CommitInfo>): string[] {
  const order: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < walked.length; i++) {
    const tip = walked[i] as string;
    if (seen.has(tip)) continue;
    seen.add(tip);
    const stack: { oid: string; next: number }[] = [{ oid: tip, next: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { oid: string; next: number };
      const parents = infos.get(top.oid)?.parents ?? [];
      if (top.next < parents.length) {
        const parent = parents[top.next++] as string;
        if (infos.has(parent) && !seen.has(parent)) {
          seen.add(parent);
          stack.push({ oid: parent, next: 0 });
        }
        continue;
      }
      stack.pop();
      order.push(top.oid);
    }
  }
  return order;
}
