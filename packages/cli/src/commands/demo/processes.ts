/** Stops what the demo started and left running: the deployed app, a deploy worker the post-receive hook detached. */
import { readdirSync, readFileSync, readlinkSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { kill } from "./shell.js";

/** Milliseconds a process gets between SIGTERM and SIGKILL. */
const GRACE_MS = 5000;

/**
 * Every process of the demo still running: the pids it recorded (the app's pid file, the deploy lock's holder) and,
 * where /proc exists, any process whose command line or working directory lies under the demo's directory.
 */
export function demoProcesses(root: string, recorded: readonly number[]): number[] {
  const found = new Set(recorded.filter((pid) => pid > 0 && pid !== process.pid && kill(pid, 0)));
  for (const pid of processesUnder(root)) found.add(pid);
  return [...found];
}

/**
 * SIGTERM (a deploy worker then stops its running step's process group), then SIGKILL to whatever still runs after
 * the grace; returns the pids that were stopped.
 */
export async function stopProcesses(root: string, recorded: readonly number[]): Promise<number[]> {
  const pids = demoProcesses(root, recorded);
  for (const pid of pids) kill(pid, "SIGTERM");
  for (let waited = 0; waited < GRACE_MS && demoProcesses(root, pids).length > 0; waited += 50) await delay(50);
  for (const pid of demoProcesses(root, pids)) kill(pid, "SIGKILL");
  return pids;
}

/** Linux only: processes whose command line names `root` or whose working directory is under it. */
function processesUnder(root: string): number[] {
  let real: string;
  let entries: string[];
  try {
    real = realpathSync(root);
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const cmdline = readFileSync(join("/proc", entry, "cmdline"), "utf8")
        .split("\0")
        .join(" ");
      const cwd = safeReadlink(join("/proc", entry, "cwd"));
      const under = (path: string) => path.includes(root) || path.includes(real);
      if (under(cmdline) || under(cwd)) pids.push(pid);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

function safeReadlink(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return "";
  }
}
