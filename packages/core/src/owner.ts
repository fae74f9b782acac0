/**
 * Who made a temporary directory, worktree or database, written into its name so that a later run can recognise what a
 * run killed with -9 left behind, and remove it only once that run is gone: `<machine>_<pid>_<start>`.
 *
 * - machine: 8 hex digits of a hash of the boot id, the pid namespace and the host name, so a pid is only judged where it
 *   means the same process (containers on one host share the boot id, not the pid namespace; a database server is shared
 *   by many machines);
 * - pid, and the process's start time in clock ticks since boot (Linux), so a pid reused by another process does not
 *   keep a dead run's leftovers alive.
 */
import { sha256 } from "./sha256.js";
import { readFileSync, readlinkSync } from "node:fs";
import { hostname } from "node:os";

export interface Owner {
  machine: string;
  pid: number;
  /** Start time in clock ticks since boot, base 36; "0" where the platform does not say. */
  start: string;
}

/** Finds `<machine>_<pid>_<start>` in a name (the owner tag is followed by `_` or `-` and a random part). */
const TAG = /(?:^|[_-])([0-9a-f]{8})_(\d{1,10})_([0-9a-z]{1,14})(?=[_-]|$)/;

let mine: Owner | null = null;

/** This process as an owner. */
export function currentOwner(): Owner {
  mine ??= { machine: machineId(), pid: process.pid, start: startTime(process.pid) ?? "0" };
  return mine;
}

/** The tag of this process, for names: `1a2b3c4d_12345_5k2j1`. */
export function ownerTag(owner: Owner = currentOwner()): string {
  return `${owner.machine}_${owner.pid}_${owner.start}`;
}

/** The owner in a name made with `ownerTag`, or null for a name without one (made by an older shipgate, or by hand). */
export function parseOwner(name: string): Owner | null {
  const match = TAG.exec(name);
  if (!match) return null;
  return { machine: match[1] ?? "", pid: Number(match[2]), start: match[3] ?? "" };
}

/**
 * Whether the owner is certainly gone: same machine, and its pid runs no process, or a different one (a later start
 * time), or a zombie. An owner on another machine is never judged gone from here.
 */
export function ownerGone(owner: Owner): boolean {
  const me = currentOwner();
  if (owner.machine !== me.machine) return false;
  if (owner.pid === me.pid) return owner.start !== me.start;
  const state = processState(owner.pid);
  if (state === null) return !pidExists(owner.pid);
  if (state.zombie) return true;
  return owner.start !== "0" && state.start !== owner.start;
}

function machineId(): string {
  const boot = readOr("/proc/sys/kernel/random/boot_id");
  let pidNamespace = "";
  try {
    pidNamespace = readlinkSync("/proc/self/ns/pid");
  } catch {
    // not Linux: the host name alone tells machines apart
  }
  return sha256(`${boot}\0${pidNamespace}\0${hostname()}`).slice(0, 8);
}

/** State and start time of a process from /proc, or null without /proc (or no such process: then pidExists says). */
export function processState(pid: number): { zombie: boolean; start: string; group: number } | null {
  const stat = readOr(`/proc/${pid}/stat`);
  if (stat === "") return null;
  // The command name (field 2) may contain spaces and parentheses: fields after it are counted from its last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { zombie: fields[0] === "Z", group: Number(fields[2]), start: Number(fields[19]).toString(36) };
}

function startTime(pid: number): string | null {
  return processState(pid)?.start ?? null;
}

function pidExists(pid: number): boolean {
  if (readOr("/proc/self/stat") !== "") return false; // /proc exists, and has no entry for the pid
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readOr(path: string): string {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return "";
  }
}
