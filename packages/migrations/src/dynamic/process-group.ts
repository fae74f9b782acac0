/**
 * Stopping a whole process group: the previous release's tests run as the leader of their own group, and whatever they
 * start (a server, a watcher, `sleep &`) stays in it unless it asks for a new session. A group id is only signalled while
 * it is still this command's: its leader is alive with the start time recorded, or gone while members remain (the kernel
 * does not hand out a pid that is still some group's id).
 */
import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { processState } from "./owner.js";

export interface ProcessGroup {
  group: number;
  /** The leader's start time (owner.ts), "0" when unknown. */
  start: string;
}

/** The group a child started with `detached: true` leads. */
export function processGroupOf(pid: number): ProcessGroup {
  return { group: pid, start: processState(pid)?.start ?? "0" };
}

/** SIGTERM to the group, SIGKILL after `graceMs` (or once `settled`, the leader's end, and its output, came), then waits until no member runs. */
export async function stopProcessGroup(group: ProcessGroup, settled: Promise<void>, graceMs = 2000): Promise<void> {
  if (!signalGroup(group, "SIGTERM")) {
    await settled;
    return;
  }
  await Promise.race([settled, sleep(graceMs)]);
  signalGroup(group, "SIGKILL");
  await settled;
  for (let waited = 0; waited < 5000 && members(group.group) > 0; waited += 20) await sleep(20);
}

/** Sends `signal` to the group if it is still the one recorded; returns whether any member ran. */
export function signalGroup(group: ProcessGroup, signal: NodeJS.Signals): boolean {
  const leader = processState(group.group);
  if (leader !== null && !leader.zombie && group.start !== "0" && leader.start !== group.start) return false; // the pid is another process's now
  if (members(group.group) === 0) return false;
  try {
    process.kill(-group.group, signal);
    return true;
  } catch {
    return false; // ESRCH: the group ended meanwhile
  }
}

/** Live (not zombie) members of a process group; without /proc, 1 when the group can be signalled at all. */
function members(group: number): number {
  const pids = procPids();
  if (pids.length === 0) {
    try {
      process.kill(-group, 0);
      return 1;
    } catch {
      return 0;
    }
  }
  let count = 0;
  for (const pid of pids) {
    const state = processState(pid);
    if (state !== null && !state.zombie && state.group === group) count++;
  }
  return count;
}

/**
 * SIGKILLs every process whose environment carries `name=value` (Linux) and waits until they are gone: the previous
 * release's tests and whatever they started keep the variable, whether or not they left the process group.
 */
export async function killByEnvironment(name: string, value: string): Promise<void> {
  const needle = Buffer.from(`${name}=${value}\0`);
  const killed: number[] = [];
  for (const pid of procPids()) {
    let environ: Buffer;
    try {
      environ = readFileSync(`/proc/${pid}/environ`);
    } catch {
      continue; // gone, or another user's
    }
    const at = environ.indexOf(needle);
    if (at === -1 || (at > 0 && environ[at - 1] !== 0) || processState(pid)?.zombie !== false) continue;
    try {
      process.kill(pid, "SIGKILL");
      killed.push(pid);
    } catch {
      // ended meanwhile
    }
  }
  const running = () => killed.some((pid) => processState(pid)?.zombie === false);
  for (let waited = 0; waited < 5000 && running(); waited += 20) await sleep(20);
}

function procPids(): number[] {
  try {
    return readdirSync("/proc")
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return [];
  }
}
