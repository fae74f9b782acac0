/**
 * The fixer's scratch directory in the git dir (blobs to hash, new work-tree files, links to the replaced ones). Its
 * name carries the run's owner tag (machine, pid, process start), so a later run can tell what a dead run left (kill -9,
 * power loss) from what a live run is still using, and remove only the former.
 */
import { lstatSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { currentOwner, ownerGone, ownerTag, parseOwner, type Owner } from "@shipgate/core";

const PREFIX = "shipgate-fix-";
/** Before runs were tagged, the directory was `shipgate-fix-<random>`: such a one is only removed once surely dead. */
const UNTAGGED = /^shipgate-fix-[A-Za-z0-9]{6}$/;
const UNTAGGED_AGE_MS = 60 * 60 * 1000;

/** The start of the scratch directory names of `owner`'s runs (this process by default). */
export function scratchPrefix(owner: Owner = currentOwner()): string {
  return `${PREFIX}${ownerTag(owner)}-`;
}

/** Makes this run's scratch directory in `gitDir`. */
export function createScratchDir(gitDir: string): string {
  return mkdtempSync(join(gitDir, scratchPrefix()));
}

/**
 * Removes the scratch directories that runs left when they died; returns their names. A directory of a live process,
 * of another machine (a git dir on a network share, a container), or one it cannot judge, stays.
 */
export function removeDeadScratchDirs(gitDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(gitDir).filter((name) => name.startsWith(PREFIX));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const owner = parseOwner(name.slice(PREFIX.length));
    const dead = owner !== null ? ownerGone(owner) : UNTAGGED.test(name) && olderThan(join(gitDir, name), UNTAGGED_AGE_MS);
    if (!dead) continue;
    rmSync(join(gitDir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

function olderThan(path: string, ms: number): boolean {
  try {
    return Date.now() - lstatSync(path).mtimeMs > ms;
  } catch {
    return false;
  }
}
