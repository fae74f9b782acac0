/**
 * The fixer's scratch directory in the git dir (blobs to hash, new work-tree files, links to the replaced ones). Its
 * name carries the run's host and pid, so a later run can tell what a dead run left (kill -9, power loss) from what a
 * live run is still using, and remove only the former.
 */
import { createHash } from "node:crypto";
import { lstatSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";

const PREFIX = "shipgate-fix-";
/** `shipgate-fix-<host tag>-<pid>-<random>`, as `mkdtemp` completes the prefix. */
const NAME = /^shipgate-fix-([0-9a-f]{8})-(\d+)-[A-Za-z0-9]{6}$/;
/** Before runs were named, the directory was `shipgate-fix-<random>`: such a one is only removed once surely dead. */
const UNNAMED = /^shipgate-fix-[A-Za-z0-9]{6}$/;
const UNNAMED_AGE_MS = 60 * 60 * 1000;

/** The start of the scratch directory names of the run `pid` on `host` (this run by default). */
export function scratchPrefix(pid: number = process.pid, host: string = hostname()): string {
  return `${PREFIX}${hostTag(host)}-${pid}-`;
}

/** Makes this run's scratch directory in `gitDir`. */
export function createScratchDir(gitDir: string): string {
  return mkdtempSync(join(gitDir, scratchPrefix()));
}

/**
 * Removes the scratch directories that runs on this host left when they died; returns their names. A directory of a
 * live process, of another host (a git dir on a network share), or one it cannot judge, stays.
 */
export function removeDeadScratchDirs(gitDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(gitDir).filter((name) => name.startsWith(PREFIX));
  } catch {
    return [];
  }
  const here = hostTag(hostname());
  const removed: string[] = [];
  for (const name of names) {
    const named = NAME.exec(name);
    const dead = named ? named[1] === here && !isAlive(Number(named[2])) : UNNAMED.test(name) && olderThan(join(gitDir, name), UNNAMED_AGE_MS);
    if (!dead) continue;
    rmSync(join(gitDir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

function hostTag(host: string): string {
  return createHash("sha256").update(host).digest("hex").slice(0, 8);
}

/** Whether a process with this pid exists (a pid reused by another process counts as alive: the directory waits). */
function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

function olderThan(path: string, ms: number): boolean {
  try {
    return Date.now() - lstatSync(path).mtimeMs > ms;
  } catch {
    return false;
  }
}
