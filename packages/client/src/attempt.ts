/**
 * Which `git commit` a hook runs under: the nearest ancestor process named `git`, by pid and start time, so two hooks
 * of one commit can tell they belong together and a record left by another commit is never taken for theirs.
 * Linux reads /proc (no process started); elsewhere one `ps` lists the processes.
 */
import { readFileSync } from "node:fs";
import { importModule } from "@shipgate/core/import-module";
import type * as Execa from "execa";

export interface Attempt {
  pid: number;
  /** Start time as the platform gives it (clock ticks since boot on Linux, the `lstart` text elsewhere). */
  start: string;
}

interface Proc {
  ppid: number;
  name: string;
  start: string;
}

/** Hooks run under husky's two shells at most: the git process is within a few levels. */
const MAX_DEPTH = 6;

export async function commitAttempt(): Promise<Attempt | null> {
  const table = process.platform === "linux" ? procReader() : await psTable();
  let pid = process.ppid;
  for (let depth = 0; depth < MAX_DEPTH && pid > 1; depth++) {
    const proc = table(pid);
    if (proc === null) return null;
    if (proc.name === "git" || proc.name === "git.exe") return { pid, start: proc.start };
    pid = proc.ppid;
  }
  return null;
}

export function sameAttempt(recorded: Attempt, current: Attempt | null): boolean {
  return current !== null && recorded.pid === current.pid && recorded.start === current.start;
}

function procReader(): (pid: number) => Proc | null {
  return (pid) => {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      return null;
    }
    // The command name (field 2) may hold spaces and parentheses: the fields after it count from its last ")".
    const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(fields[1]), name, start: fields[19] ?? "" };
  };
}

async function psTable(): Promise<(pid: number) => Proc | null> {
  const procs = new Map<number, Proc>();
  try {
    // Only off Linux, so the hooks' start-up never loads it; outside the CLI's bundle (see core's import-module.ts).
    const { execa } = await importModule<typeof Execa>("execa", import.meta.url);
    const { stdout } = await execa("ps", ["-A", "-o", "pid=,ppid=,lstart=,comm="], { timeout: 5000 });
    for (const line of stdout.split("\n")) {
      // lstart is five words: "Sun Dec  6 22:52:17 2026".
      const match = /^\s*(\d+)\s+(\d+)\s+(\S+\s+\S+\s+\d+\s+[\d:]+\s+\d+)\s+(.*)$/.exec(line);
      if (match) procs.set(Number(match[1]), { ppid: Number(match[2]), start: match[3] ?? "", name: (match[4] ?? "").split("/").pop() ?? "" });
    }
  } catch {
    // no ps: no attempt can be named, so nothing is recorded or undone
  }
  return (pid) => procs.get(pid) ?? null;
}
