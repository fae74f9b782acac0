/** `shipgate daemon start|stop|status` as library calls, and the background start the pre-commit hook uses. */
import { spawn } from "node:child_process";
import { closeSync, openSync, statSync, truncateSync } from "node:fs";
import { openRepo, ownerGone, parseOwner, UsageError, type Owner, type Repo } from "@shipgate/core";
import { DaemonConnection, DaemonUnavailable } from "./client.js";
import { daemonFiles, makePrivateDir, readInfo, unsupported, type DaemonFiles } from "./files.js";
import { currentIdentity, entryScript } from "./identity.js";
import type { DaemonStatus } from "./protocol.js";
import { messages } from "../messages.js";

export type DaemonState = { running: true; status: DaemonStatus; socket: string } | { running: false; why: string; socket: string };

/** Idle time after which a daemon stops by itself, unless told otherwise. */
export const DEFAULT_IDLE_MS = 30 * 60_000;
/** How long `daemon start` waits for the tools to load. */
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 10_000;
/** The log is cut when a daemon starts and it has grown past this. */
const LOG_LIMIT = 1024 * 1024;

export async function daemonStatus(cwd: string, env: NodeJS.ProcessEnv): Promise<DaemonState> {
  const { files } = await daemonRepo(cwd, env);
  try {
    const connection = await DaemonConnection.open(files, currentIdentity(env));
    try {
      return { running: true, status: await connection.status(), socket: files.socket };
    } finally {
      connection.close();
    }
  } catch (error) {
    if (error instanceof DaemonUnavailable) return { running: false, why: error.message, socket: files.socket };
    throw error;
  }
}

/** Starts the daemon (stopping a stale one first) and waits until its tools are loaded; returns its status. */
export async function startDaemon(cwd: string, env: NodeJS.ProcessEnv, idleMs = DEFAULT_IDLE_MS): Promise<DaemonStatus> {
  const { repo, files } = await daemonRepo(cwd, env);
  const identity = currentIdentity(env);
  try {
    const connection = await DaemonConnection.open(files, identity);
    connection.close();
    await stopDaemon(cwd, env);
  } catch (error) {
    if (!(error instanceof DaemonUnavailable)) throw error;
    if (error.reason === "unsafe") throw new UsageError(messages.daemonUnsafe(error.message), { hint: messages.daemonUnsafeHint });
    if (error.reason === "stale") await stopByPid(files);
  }
  const child = spawnDaemon(repo, files, env, idleMs);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const state = await Promise.race([exited.then((code) => ({ exited: code })), pause(100).then(() => null)]);
    if (state !== null) throw new UsageError(messages.daemonExited(state.exited, files.log), { hint: messages.daemonLogHint(files.log) });
    const status = await peek(files, identity);
    if (status?.warm === true) {
      child.unref();
      return status;
    }
  }
  throw new UsageError(messages.daemonSlow(START_TIMEOUT_MS / 1000), { hint: messages.daemonLogHint(files.log) });
}

/** Stops the repository's daemon; resolves once it is gone. Returns false when none was running. */
export async function stopDaemon(cwd: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const { files } = await daemonRepo(cwd, env);
  let connection: DaemonConnection;
  try {
    connection = await DaemonConnection.open(files, currentIdentity(env));
  } catch (error) {
    if (!(error instanceof DaemonUnavailable)) throw error;
    if (error.reason === "stale") return stopByPid(files);
    return false;
  }
  const found = readInfo(files);
  const owner = "info" in found ? parseOwner(found.info.owner) : null;
  try {
    await connection.stop();
  } finally {
    connection.close();
  }
  if (owner !== null) await waitForExit(owner);
  return true;
}

/**
 * Starts the daemon in the background for a hook that found none (the `shipgate.daemon` switch): the hook goes on
 * linting in process and the next commit finds it warm. Its output goes to its log.
 */
export function startInBackground(repo: Repo, env: NodeJS.ProcessEnv, idleMs: number): void {
  const files = daemonFiles(repo.gitDir);
  if (repo.topLevel === null || unsupported(files) !== null) return;
  spawnDaemon(repo, files, env, idleMs).unref();
}

async function daemonRepo(cwd: string, env: NodeJS.ProcessEnv): Promise<{ repo: Repo; files: DaemonFiles }> {
  const repo = await openRepo(cwd, env);
  if (repo.topLevel === null) throw new UsageError(messages.daemonBare, { hint: messages.daemonBareHint });
  const files = daemonFiles(repo.gitDir);
  const why = unsupported(files);
  if (why !== null) throw new UsageError(messages.daemonUnsupported(why), { hint: messages.daemonUnsupportedHint });
  return { repo, files };
}

/**
 * The daemon's process: detached (its own session, so the hook's terminal and Ctrl-C do not reach it), in the work
 * tree, without git's variables, output to its log. Node's spawn, not execa: it is meant to outlive this process.
 */
function spawnDaemon(repo: Repo, files: DaemonFiles, env: NodeJS.ProcessEnv, idleMs: number) {
  makePrivateDir(files.dir);
  cutLog(files.log);
  const fd = openSync(files.log, "a", 0o600);
  try {
    const clean = Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith("GIT_") || key.startsWith("GIT_CONFIG")));
    const args = [entryScript("lint-daemon"), "--git-dir", repo.gitDir, "--work-tree", repo.topLevel ?? "", "--idle-ms", String(Math.round(idleMs))];
    return spawn(process.execPath, args, { cwd: repo.topLevel ?? repo.gitDir, env: clean, detached: true, stdio: ["ignore", fd, fd] });
  } finally {
    closeSync(fd);
  }
}

function cutLog(log: string): void {
  try {
    if (statSync(log).size > LOG_LIMIT) truncateSync(log, 0);
  } catch {
    // no log yet
  }
}

/** The status of a daemon that answers with our identity, or null. */
async function peek(files: DaemonFiles, identity: ReturnType<typeof currentIdentity>): Promise<DaemonStatus | null> {
  try {
    const connection = await DaemonConnection.open(files, identity);
    try {
      return await connection.status();
    } finally {
      connection.close();
    }
  } catch {
    return null;
  }
}

/** Stops the repository's daemon by its pid when it refuses to talk (another build or environment). */
export function stopStale(repo: Repo): Promise<boolean> {
  return stopByPid(daemonFiles(repo.gitDir));
}

/**
 * A daemon of another build or environment refuses the hook's hello, so it is stopped by the pid in its private info
 * file (the user's own: `readInfo` checked it), once its owner tag shows the pid still runs that daemon.
 */
async function stopByPid(files: DaemonFiles): Promise<boolean> {
  const found = readInfo(files);
  const owner = "info" in found ? parseOwner(found.info.owner) : null;
  if (owner === null || ownerGone(owner)) return false;
  try {
    process.kill(owner.pid, "SIGTERM");
  } catch {
    return false;
  }
  await waitForExit(owner);
  return true;
}

async function waitForExit(owner: Owner): Promise<void> {
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (ownerGone(owner)) return;
    await pause(50);
  }
  throw new UsageError(messages.daemonWontStop(owner.pid), { hint: messages.daemonWontStopHint(owner.pid) });
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
