/**
 * Writes fixers' output into the index, and into the work tree only where the file still equals the staged
 * version. Nothing is stashed: unstaged work is never touched. The writes form one critical section that a
 * Ctrl-C cannot cut in half: an interrupt before it writes nothing, an interrupt during it rolls everything back,
 * and `undo()` lets the entry point roll back an interrupt that comes after it, until the process exits.
 */
import { lstatSync, readFileSync, renameSync, writeFileSync, chmodSync, mkdtempSync, rmSync } from "node:fs";
import { join, dirname, basename, resolve } from "node:path";
import { spawnSync } from "node:child_process";
import { Git, type FileChange, type Fix, type ObjectReader, type Repo } from "@shipgate/core";

export interface AppliedFixes {
  /** Paths whose staged content changed. */
  staged: string[];
  /** Paths also rewritten in the work tree (they had no unstaged changes). */
  workTree: string[];
  /** Paths whose work tree copy was left alone because it has unstaged changes. */
  keptUnstaged: string[];
  interrupted: boolean;
  /** Restores the index and work tree as they were (synchronous, safe inside a signal handler). */
  undo: () => void;
}

interface Planned {
  file: FileChange;
  original: Buffer;
  fixed: Buffer;
  newOid: string;
  touchWorkTree: boolean;
}

/** Applies fixes; returns what changed. On SIGINT/SIGTERM during the writes, restores the previous state. */
export interface ApplyOptions {
  /**
   * Called with the undo function right after the writes, while this function's own signal handlers are still in
   * place, so an entry point can keep Ctrl-C protection with no gap until it exits.
   */
  armUndo?: (undo: () => void) => void;
}

export async function applyFixes(
  repo: Repo,
  files: readonly FileChange[],
  fixes: readonly Fix[],
  objects: ObjectReader,
  options: ApplyOptions = {},
): Promise<AppliedFixes> {
  const result: AppliedFixes = { staged: [], workTree: [], keptUnstaged: [], interrupted: false, undo: () => undefined };
  const byPath = new Map(files.map((f) => [f.path, f]));
  const candidates: Omit<Planned, "newOid">[] = [];
  for (const fix of fixes) {
    const file = byPath.get(fix.path);
    if (!file || file.status === "D") continue;
    const original = (await objects.read(file.oid))?.content;
    if (!original || original.equals(fix.content)) continue;
    candidates.push({ file, original, fixed: fix.content, touchWorkTree: workTreeMatches(repo, file, original) });
  }
  if (candidates.length === 0) return result;
  const oids = await writeBlobs(
    repo,
    candidates.map((c) => c.fixed),
  );
  const planned: Planned[] = candidates.map((c, i) => ({ ...c, newOid: oids[i] ?? "" }));

  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const writtenWorkTree: Planned[] = [];
  const indexes = indexFilesToUpdate(repo);
  const updatedIndexes: string[] = [];
  const rollback = () => restore(repo, updatedIndexes, planned, writtenWorkTree);
  try {
    if (interrupted) return { ...result, interrupted: true };
    for (const index of indexes) {
      await updateIndex(
        repo,
        index,
        planned.map((p) => ({ mode: p.file.mode, oid: p.newOid, path: p.file.pathBytes })),
      );
      updatedIndexes.push(index);
    }
    for (const p of planned) {
      if (interrupted) break;
      if (!p.touchWorkTree) continue;
      writeAtomically(workTreePath(repo, p.file), p.fixed);
      writtenWorkTree.push(p);
    }
    if (interrupted) {
      rollback();
      return { ...result, interrupted: true };
    }
    options.armUndo?.(rollback);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  result.undo = rollback;
  result.staged = planned.map((p) => p.file.path);
  result.workTree = writtenWorkTree.map((p) => p.file.path);
  result.keptUnstaged = planned.filter((p) => !p.touchWorkTree).map((p) => p.file.path);
  return result;
}

function workTreePath(repo: Repo, file: FileChange): string {
  return join(repo.topLevel ?? "", file.path);
}

/** True when the work tree holds exactly the staged bytes (a regular file, not a symlink, same content). */
function workTreeMatches(repo: Repo, file: FileChange, staged: Buffer): boolean {
  if (repo.topLevel === null) return false;
  const path = workTreePath(repo, file);
  try {
    if (!lstatSync(path).isFile()) return false;
    return readFileSync(path).equals(staged);
  } catch {
    return false;
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

/** Writes all fixed blobs with one `hash-object -w --stdin-paths` over temporary files (exact bytes, no filters). */
async function writeBlobs(repo: Repo, contents: readonly Buffer[]): Promise<string[]> {
  const dir = mkdtempSync(join(repo.gitDir, "shipgate-fix-"));
  try {
    const paths = contents.map((content, i) => {
      const path = join(dir, String(i));
      writeFileSync(path, content);
      return path;
    });
    const out = await repo.git.text(["hash-object", "-w", "--no-filters", "--stdin-paths"], { input: paths.join("\n") + "\n" });
    return out.split("\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One atomic `update-index -z --index-info`, in its own process group so Ctrl-C cannot kill it midway. */
async function updateIndex(repo: Repo, indexFile: string, entries: readonly { mode: string; oid: string; path: Buffer }[]): Promise<void> {
  const records = entries.map((e) => Buffer.concat([Buffer.from(`${e.mode} ${e.oid}\t`), e.path, Buffer.from([0])]));
  await repo.git.run(["update-index", "-z", "--index-info"], { input: Buffer.concat(records), env: { GIT_INDEX_FILE: indexFile }, detached: true });
}

/** Puts back the original index entries and work tree bytes; synchronous so it can run inside a signal handler. */
function restore(repo: Repo, indexes: readonly string[], planned: readonly Planned[], written: readonly Planned[]): void {
  for (const p of written) writeAtomically(workTreePath(repo, p.file), p.original);
  const records = Buffer.concat(planned.map((p) => Buffer.concat([Buffer.from(`${p.file.mode} ${p.file.oid}\t`), p.file.pathBytes, Buffer.from([0])])));
  for (const index of indexes) {
    spawnSync("git", [...Git.baseArgs, "update-index", "-z", "--index-info"], {
      cwd: repo.git.cwd,
      env: { ...repo.git.env, GIT_INDEX_FILE: index },
      input: records,
    });
  }
}

/** Replaces a file by rename so a reader never sees half of it; keeps the file mode. */
function writeAtomically(path: string, content: Buffer): void {
  const mode = lstatSync(path).mode & 0o7777;
  const temp = join(dirname(path), `.${basename(path)}.shipgate-${process.pid}`);
  writeFileSync(temp, content, { mode });
  chmodSync(temp, mode);
  renameSync(temp, path);
}
