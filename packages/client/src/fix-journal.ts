/**
 * A refused commit changes nothing. pre-commit writes its fixes before git asks for the message, so a commit-msg
 * refusal (shipgate's, or another tool's in the same hook) would leave them behind. pre-commit therefore records what
 * it changed in the git dir, and a refusal later in the same `git commit` puts back, exactly:
 *  - each index entry that still holds the fixed blob (the pre-fix blob returns; an entry staged anew is left alone);
 *  - each work-tree file that still holds the bytes shipgate wrote (the user's bytes return; a file saved since is
 *    left as saved, and named).
 * The record belongs to one commit attempt: the `git` process both hooks run under (pid and start time). A record of
 * another attempt (an aborted editor, `--no-verify`) is never applied, and the next pre-commit removes it.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createDebug, type Repo } from "@shipgate/core";
import { restoreIndexEntries, type IndexEntry } from "./index-entries.js";
import { commitAttempt, sameAttempt, type Attempt } from "./attempt.js";
import { WorkTreeWriter, type Replaced } from "./replace-file.js";
import { createScratchDir } from "./scratch.js";

const debug = createDebug("shipgate:fix");
const DIR = "shipgate-fixes";
const VERSION = 1;

/** What pre-commit changed: the index files and entries it updated, and the work-tree files it rewrote. */
export interface FixRecord {
  indexes: readonly string[];
  previous: readonly IndexEntry[];
  fixed: readonly IndexEntry[];
  replaced: readonly Replaced[];
  /** The path of each replaced file as the user sees it (relative to the top level), for messages. */
  names: readonly string[];
}

/** What a refusal put back, and which files it left because they were saved since. */
export interface Undone {
  indexEntries: number;
  workTree: string[];
  keptSaved: string[];
}

interface Journal {
  version: number;
  attempt: Attempt;
  indexes: string[];
  previous: { mode: string; oid: string; path: string }[];
  fixed: { mode: string; oid: string; path: string }[];
  files: { path: string; name: string }[];
}

/** Removes a record left by an earlier attempt (call at the start of pre-commit: a new attempt begins). */
export function clearFixRecord(gitDir: string): void {
  rmSync(join(gitDir, DIR), { recursive: true, force: true });
}

/**
 * Records the fixes of this commit attempt. Written to a temporary directory and renamed into place, so a reader sees a
 * whole record or none. Without an attempt to tie it to (no `git` parent process found), nothing is recorded.
 */
export async function recordFixes(repo: Repo, record: FixRecord): Promise<boolean> {
  const attempt = await commitAttempt();
  if (attempt === null) {
    debug("no git parent process found: the fixes are not recorded for undo");
    return false;
  }
  const target = join(repo.gitDir, DIR);
  const temp = `${target}.${process.pid}.tmp`;
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp);
  const encode = (e: IndexEntry) => ({ mode: e.mode, oid: e.oid, path: e.path.toString("base64") });
  const journal: Journal = {
    version: VERSION,
    attempt,
    indexes: [...record.indexes],
    previous: record.previous.map(encode),
    fixed: record.fixed.map(encode),
    files: record.replaced.map((file, i) => ({ path: file.path.toString("base64"), name: record.names[i] ?? "" })),
  };
  record.replaced.forEach((file, i) => {
    writeFileSync(join(temp, `before-${i}`), file.before);
    writeFileSync(join(temp, `written-${i}`), file.written);
  });
  writeFileSync(join(temp, "journal.json"), JSON.stringify(journal));
  clearFixRecord(repo.gitDir);
  renameSync(temp, target);
  return true;
}

/**
 * Puts back the fixes this commit attempt's pre-commit recorded; null when there is no record of this attempt.
 * The record is removed either way.
 */
export async function undoRecordedFixes(repo: Repo): Promise<Undone | null> {
  const dir = join(repo.gitDir, DIR);
  const journal = readJournal(dir);
  if (journal === null) return null;
  try {
    if (!sameAttempt(journal.attempt, await commitAttempt())) {
      debug("the recorded fixes belong to another commit attempt: left as they are");
      return null;
    }
    const decode = (e: Journal["fixed"][number]): IndexEntry => ({ mode: e.mode, oid: e.oid, path: Buffer.from(e.path, "base64") });
    const indexEntries = await restoreIndexEntries(repo, journal.indexes, journal.fixed.map(decode), journal.previous.map(decode));
    const files = journal.files.map((file, i) => ({
      path: Buffer.from(file.path, "base64"),
      name: file.name,
      before: readFileSync(join(dir, `before-${i}`)),
      written: readFileSync(join(dir, `written-${i}`)),
    }));
    return { indexEntries, ...restoreWorkTree(repo.gitDir, files) };
  } finally {
    clearFixRecord(repo.gitDir);
  }
}

/** Puts back each file that still holds what shipgate wrote; a file saved since keeps the save. */
function restoreWorkTree(gitDir: string, files: readonly (Replaced & { name: string })[]): Omit<Undone, "indexEntries"> {
  if (files.length === 0) return { workTree: [], keptSaved: [] };
  const scratch = createScratchDir(gitDir);
  try {
    const writer = new WorkTreeWriter(scratch);
    const restored = new Map<string, string>();
    const keptSaved: string[] = [];
    for (const file of files) {
      if (writer.replace(file.path, file.written, file.before)) restored.set(file.path.toString("latin1"), file.name);
      else keptSaved.push(file.name);
    }
    for (const path of writer.settle()) {
      const name = restored.get(path.toString("latin1"));
      restored.delete(path.toString("latin1"));
      if (name !== undefined) keptSaved.push(name);
    }
    return { workTree: [...restored.values()], keptSaved };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The record, or null when there is none or it is not one this version wrote whole (never trusted half-read). */
function readJournal(dir: string): Journal | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(join(dir, "journal.json"), "utf8"));
  } catch {
    return null;
  }
  return isJournal(parsed) ? parsed : null;
}

function isJournal(value: unknown): value is Journal {
  if (typeof value !== "object" || value === null) return false;
  const j = value as Partial<Journal>;
  const entries = (list: unknown) =>
    Array.isArray(list) &&
    list.every((e: Journal["fixed"][number]) => /^[0-7]{6}$/.test(e?.mode) && /^[0-9a-f]{40,64}$/.test(e?.oid) && typeof e?.path === "string");
  return (
    j.version === VERSION &&
    typeof j.attempt === "object" &&
    j.attempt !== null &&
    Array.isArray(j.indexes) &&
    j.indexes.every((i) => typeof i === "string") &&
    entries(j.previous) &&
    entries(j.fixed) &&
    j.previous?.length === j.fixed?.length &&
    Array.isArray(j.files) &&
    j.files.every((f) => typeof f?.path === "string" && typeof f?.name === "string")
  );
}
