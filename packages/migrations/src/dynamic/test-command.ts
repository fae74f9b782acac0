/**
 * Runs the previous release's own test command in a temporary worktree of it, with DATABASE_URL set. The command runs
 * through execa in a process group of its own, and the whole group is stopped when the command ends, times out or the
 * run is cancelled (cancel.ts); the worktree and its temporary directory are removed then too. Both are named after
 * their owner (owner.ts), with a marker file, so a later run removes them if this process is killed with -9 (leftovers.ts).
 */
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { constants, hostname, tmpdir } from "node:os";
import { join } from "node:path";
import type { Repo } from "@shipgate/core";
import { cancelSignal, throwIfCancelled, track } from "../cancel.js";
import { messages } from "../messages.js";
import { ownerTag } from "./owner.js";
import { processGroupOf, stopProcessGroup } from "./process-group.js";

export interface TestCommand {
  command: string | readonly string[];
  /** Seconds before the command is killed. */
  timeout: number;
}

export interface TestRun {
  code: number;
  output: string;
  command: string;
}

/** Temporary directories of old-release worktrees start with this, then the owner tag. */
export const WORKTREE_PREFIX = "shipgate-old-release-";
/** Set for the tests to the run's owner tag: what they start keeps it, so a later run finds them if this one is killed. */
export const RUN_VARIABLE = "SHIPGATE_RUN";
/** The marker in such a directory: who made it, and the process group of the tests once they run. */
export const MARKER_FILE = "shipgate-run.json";

export interface RunMarker {
  owner: string;
  pid: number;
  host: string;
  repo: string;
  tests?: { group: number; start: string };
}

/** Checks `rev` out into a detached worktree, runs the command there, and always removes the worktree. */
export async function runInWorktree(repo: Repo, rev: string, test: TestCommand, databaseUrl: string): Promise<TestRun> {
  throwIfCancelled();
  const dir = realpathSync(mkdtempSync(join(tmpdir(), `${WORKTREE_PREFIX}${ownerTag()}-`)));
  const marker: RunMarker = { owner: ownerTag(), pid: process.pid, host: hostname(), repo: repo.gitDir };
  writeFileSync(join(dir, MARKER_FILE), JSON.stringify(marker));
  const worktree = join(dir, "tree");
  // In its own process group, so a Ctrl-C in the terminal cannot stop git halfway; the cleanup waits for it instead.
  const added = repo.git.run(["worktree", "add", "--detach", "--force", "--", worktree, rev], { hint: messages.worktreeHint, detached: true });
  const removed = track("removed", `worktree ${dir}`, async () => {
    await added.catch(() => undefined);
    await removeWorktree(repo, dir);
  });
  try {
    await added;
    return await runCommand(test, worktree, databaseUrl, (group) => {
      marker.tests = group;
      writeFileSync(join(dir, MARKER_FILE), JSON.stringify(marker));
    });
  } finally {
    await removed.dispose();
  }
}

/** Unregisters and deletes a worktree made by `runInWorktree` (also one a dead run left, see leftovers.ts). */
export async function removeWorktree(repo: Repo, dir: string): Promise<void> {
  await repo.git.run(["worktree", "remove", "--force", "--force", "--", join(dir, "tree")], { okCodes: [0, 128], detached: true });
  rmSync(dir, { recursive: true, force: true });
  await repo.git.run(["worktree", "prune"], { okCodes: [0, 128], detached: true });
}

async function runCommand(test: TestCommand, cwd: string, databaseUrl: string, started: (group: { group: number; start: string }) => void): Promise<TestRun> {
  const [file, args, shown] =
    typeof test.command === "string" ? ["sh", ["-c", test.command], test.command] : [test.command[0] ?? "true", test.command.slice(1), test.command.join(" ")];
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith("GIT_")) env[key] = value;
  throwIfCancelled();
  const timeout = AbortSignal.timeout(test.timeout * 1000);
  const cancel = cancelSignal();
  const stop = cancel ? AbortSignal.any([cancel, timeout]) : timeout;
  const { execa } = await import("execa"); // loaded only when a test command runs
  const subprocess = execa(file, args, {
    cwd,
    env: { ...env, DATABASE_URL: databaseUrl, SHIPGATE_OLD_RELEASE: "1", [RUN_VARIABLE]: ownerTag() },
    extendEnv: false,
    stdin: "ignore",
    all: true,
    buffer: false,
    reject: false,
    detached: true, // its own process group: the whole tree can be stopped, and a terminal Ctrl-C reaches shipgate first
    cancelSignal: stop,
    forceKillAfterDelay: 2000,
  });
  let output = "";
  subprocess.all?.on("data", (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-20_000);
  });
  const group = subprocess.pid === undefined ? null : processGroupOf(subprocess.pid);
  if (group !== null) started(group);
  const settled = subprocess.then(
    () => undefined,
    () => undefined,
  );
  // When the command ends, what it left running in its group goes too (it would keep the output pipe and the database open).
  const stopped = track("stopped", `the previous release's tests (process group ${subprocess.pid ?? "?"})`, () =>
    group === null ? settled : stopProcessGroup(group, settled),
  );
  const stopGroup = () => void stopped.dispose();
  stop.addEventListener("abort", stopGroup, { once: true });
  subprocess.once("exit", stopGroup);
  const result = await subprocess;
  stop.removeEventListener("abort", stopGroup);
  await stopped.dispose();
  if (timeout.aborted) output += `\n${messages.testTimedOut(test.timeout)}`;
  if (result.failed && result.exitCode === undefined && result.signal === undefined) output += `\n${result.shortMessage}`;
  const code = result.exitCode ?? (result.signal === undefined ? 127 : 128 + signalNumber(result.signal));
  return { code, output, command: shown };
}

function signalNumber(signal: string): number {
  return (constants.signals as Record<string, number | undefined>)[signal] ?? 0;
}
