/**
 * What a run killed with -9 left behind, removed by the next run: the temporary directories of old-release worktrees
 * (with their registration in this repository) and the process group of the tests that ran there. Only leftovers whose
 * owner, named in the directory's name (owner.ts), is a process of this machine that is gone; nothing of a live run, and
 * nothing whose owner cannot be judged from here. (Databases are handled on the connection that checks the URL.)
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { splitZ, type Repo } from "@shipgate/core";
import { messages } from "../messages.js";
import { ownerGone, ownerTag, parseOwner, type Owner } from "./owner.js";
import { killByEnvironment, stopProcessGroup } from "./process-group.js";
import { MARKER_FILE, removeWorktree, RUN_VARIABLE, WORKTREE_PREFIX, type RunMarker } from "./test-command.js";

export async function removeDeadWorktrees(repo: Repo, log: (line: string) => void = () => undefined): Promise<void> {
  const dirs = new Map<string, Owner>();
  const consider = (dir: string) => {
    const name = basename(dir);
    const owner = name.startsWith(WORKTREE_PREFIX) ? parseOwner(name.slice(WORKTREE_PREFIX.length)) : null;
    if (owner !== null && ownerGone(owner)) dirs.set(dir, owner);
  };
  for (const path of await registeredWorktrees(repo)) consider(dirname(path));
  for (const name of safeReaddir(tmpdir())) consider(join(tmpdir(), name));
  for (const [dir, owner] of dirs) {
    // By environment first: a kill -9 can come between the tests' start and the marker naming their process group.
    await killByEnvironment(RUN_VARIABLE, ownerTag(owner));
    const tests = readMarker(dir)?.tests;
    if (tests !== undefined) await stopProcessGroup(tests, Promise.resolve(), 0);
    await removeWorktree(repo, dir);
    log(messages.removedDeadWorktree(dir, owner.pid));
  }
}

/** Paths of this repository's linked worktrees (`git worktree list -z --porcelain`; the first is the main one). */
async function registeredWorktrees(repo: Repo): Promise<string[]> {
  const { stdout } = await repo.git.run(["worktree", "list", "-z", "--porcelain"]);
  return splitZ(stdout)
    .map((record) => record.toString("utf8"))
    .filter((line) => line.startsWith("worktree "))
    .slice(1)
    .map((line) => line.slice("worktree ".length));
}

function readMarker(dir: string): RunMarker | null {
  const path = join(dir, MARKER_FILE);
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as RunMarker;
  } catch {
    return null; // killed while writing it
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
