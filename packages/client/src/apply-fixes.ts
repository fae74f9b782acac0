/**
 * Writes fixers' output into the index, and into the work tree only where the file still holds the staged version
 * as git sees it (byte for byte, or as git checks it out: line endings, smudge filters). Nothing is stashed: unstaged
 * work is never touched, and a save that races with the rewrite is never lost (see replace-file.ts). The writes form
 * one critical section that a Ctrl-C cannot cut in half: an interrupt before it writes nothing, an interrupt during
 * it rolls everything back, and `undo()` lets the entry point roll back an interrupt that comes after it, until the
 * process exits.
 */
import { lstatSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { FileChange, Fix, ObjectReader, Repo } from "@shipgate/core";
import type { FixRecord } from "./fix-journal.js";
import { restoreIndexes, updateIndex } from "./index-entries.js";
import { createScratchDir } from "./scratch.js";
import { checkoutIndex, planWorkTree, type KeptReason, type WorkTreeTarget } from "./work-tree.js";
import { undoReplacements, WorkTreeWriter } from "./replace-file.js";

export interface AppliedFixes {
  /** Paths whose staged content changed. */
  staged: string[];
  /** Paths also rewritten in the work tree. */
  workTree: string[];
  /** Paths whose work-tree copy was left as it is, and why (their fix is in the index all the same). */
  kept: { path: string; reason: KeptReason }[];
  /** Saves kept beside their file (`savedAs`) because the file changed again while the save was being put back. */
  rescued: { path: string; savedAs: string }[];
  interrupted: boolean;
  /** Restores the index and work tree as they were (synchronous, safe inside a signal handler). */
  undo: () => void;
  /** What changed, for a later hook of the same commit to undo if it refuses (see fix-journal.ts). */
  record: FixRecord | null;
}

/** Applies fixes; returns what changed. On SIGINT/SIGTERM during the writes, restores the previous state. */
export interface ApplyOptions {
  /**
   * Called with the undo function right after the writes, while this function's own signal handlers are still in
   * place, so an entry point can keep Ctrl-C protection with no gap until it exits.
   */
  armUndo?: (undo: () => void) => void;
}

interface Candidate {
  file: FileChange;
  original: Buffer;
  fixed: Buffer;
}

export async function applyFixes(
  repo: Repo,
  files: readonly FileChange[],
  fixes: readonly Fix[],
  objects: ObjectReader,
  options: ApplyOptions = {},
): Promise<AppliedFixes> {
  const result: AppliedFixes = { staged: [], workTree: [], kept: [], rescued: [], interrupted: false, undo: () => undefined, record: null };
  const candidates = await readCandidates(files, fixes, objects);
  if (candidates.length === 0) return result;
  const scratch = createScratchDir(repo.gitDir);
  try {
    return await applyInScratch(repo, candidates, scratch, options, result);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function readCandidates(files: readonly FileChange[], fixes: readonly Fix[], objects: ObjectReader): Promise<Candidate[]> {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const candidates: Candidate[] = [];
  for (const fix of fixes) {
    const file = byPath.get(fix.path);
    if (!file || file.status === "D") continue;
    const original = (await objects.read(file.oid))?.content;
    if (!original || original.equals(fix.content)) continue;
    candidates.push({ file, original, fixed: fix.content });
  }
  return candidates;
}

async function applyInScratch(repo: Repo, candidates: Candidate[], scratch: string, options: ApplyOptions, result: AppliedFixes): Promise<AppliedFixes> {
  const plan = await planWorkTree(
    repo,
    candidates.map((c) => ({ file: c.file, staged: c.original })),
    scratch,
  );
  // The fixed contents go to files once: git hashes them into blobs, then they are renamed into the work tree.
  const prepared = candidates.map((_, i) => join(scratch, `fix-${i}`));
  const oids = await writeBlobs(
    repo,
    candidates.map((c) => c.fixed),
    prepared,
  );
  const entries = candidates.map((c, i) => ({ mode: c.file.mode, oid: oids[i] ?? "", path: c.file.pathBytes }));
  const previous = candidates.map((c) => ({ mode: c.file.mode, oid: c.file.oid, path: c.file.pathBytes }));

  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const indexes = indexFilesToUpdate(repo);
  const updatedIndexes: string[] = [];
  const writer = new WorkTreeWriter(scratch);
  const relative = (path: Buffer) => path.subarray((repo.topLevel ?? "").length + 1).toString("utf8");
  const rollback = () => {
    undoWorkTree(repo, writer);
    restoreIndexes(repo, updatedIndexes, previous);
  };
  try {
    if (interrupted) return { ...result, interrupted: true };
    for (const index of indexes) {
      await updateIndex(repo, index, entries);
      updatedIndexes.push(index);
    }
    const kept = plan.kept.map((k) => ({ path: k.file.path, reason: k.reason }));
    const contents = await workTreeContents(repo, plan.targets, candidates, join(scratch, "fixed"));
    const preparedFor = new Map(candidates.map((c, i) => [c.file, prepared[i] ?? ""]));
    const byPath = new Map<string, string>();
    for (const [i, target] of plan.targets.entries()) {
      if (interrupted) break;
      const content = contents[i];
      // A converted file's content is git's checkout, not the blob: the writer writes that one itself.
      const file = target.converted ? undefined : preparedFor.get(target.file);
      if (content === null || content === undefined) kept.push({ path: target.file.path, reason: "unconvertible" });
      else if (writer.replace(target.path, target.expected, content, file)) byPath.set(target.path.toString("latin1"), target.file.path);
      else kept.push({ path: target.file.path, reason: "changed" });
    }
    for (const path of writer.settle()) {
      kept.push({ path: byPath.get(path.toString("latin1")) ?? "", reason: "changed" });
      byPath.delete(path.toString("latin1"));
    }
    if (interrupted) {
      rollback();
      return { ...result, interrupted: true };
    }
    options.armUndo?.(rollback);
    result.workTree = [...byPath.values()];
    result.kept = kept;
    result.rescued = writer.rescued.map((r) => ({ path: relative(r.path), savedAs: relative(r.savedAs) }));
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  result.undo = rollback;
  result.staged = candidates.map((c) => c.file.path);
  result.record = { indexes: updatedIndexes, previous, fixed: entries, replaced: writer.replaced, names: writer.replaced.map((r) => relative(r.path)) };
  return result;
}

/**
 * The bytes each target gets: the fixed blob, or for a file git converts on checkout, what git checks out for the
 * fixed blob (so `git diff` does not show the fix reversed). Call it after the index holds the fixed blobs.
 */
async function workTreeContents(repo: Repo, targets: readonly WorkTreeTarget[], candidates: readonly Candidate[], dir: string): Promise<(Buffer | null)[]> {
  const fixed = new Map(candidates.map((c) => [c.file, c.fixed]));
  const converted = targets.filter((t) => t.converted);
  const files = converted.map((t) => t.file);
  const checkedOut = converted.length > 0 ? await checkoutIndex(repo, files, dir) : [];
  let next = 0;
  return targets.map((t) => (t.converted ? (checkedOut[next++] ?? null) : (fixed.get(t.file) ?? null)));
}

/** Puts back the replaced work-tree files (where they still hold the fix); synchronous, for signal handlers. */
function undoWorkTree(repo: Repo, writer: WorkTreeWriter): void {
  if (writer.replaced.length === 0) return;
  const scratch = createScratchDir(repo.gitDir);
  try {
    undoReplacements(scratch, writer.replaced);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The index files a commit in progress will use: GIT_INDEX_FILE (index.lock for `commit -a`, a temporary index
 * for `commit <paths>`), and for a pathspec commit also `index.lock`, which git turns into the index afterwards.
 */
function indexFilesToUpdate(repo: Repo): string[] {
  const main = join(repo.gitDir, "index");
  const current = repo.git.env["GIT_INDEX_FILE"] ? resolve(repo.git.env["GIT_INDEX_FILE"]) : main;
  const files = [current];
  const lock = `${main}.lock`;
  if (current !== main && current !== lock && existsFile(lock)) files.push(lock);
  return files;
}

function existsFile(path: string): boolean {
  try {
    return lstatSync(path).isFile();
  } catch {
    return false;
  }
}

/** Writes each content to its file in `files` and all of them into git with one `hash-object -w --stdin-paths` (exact bytes, no filters). */
async function writeBlobs(repo: Repo, contents: readonly Buffer[], files: readonly string[]): Promise<string[]> {
  contents.forEach((content, i) => writeFileSync(files[i] ?? "", content));
  const out = await repo.git.text(["hash-object", "-w", "--no-filters", "--stdin-paths"], { input: files.join("\n") + "\n" });
  return out.split("\n");
}
