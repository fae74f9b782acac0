/** The built `shipgate` executable as a separate process (signals, exit codes), and checks for what a run leaves behind. */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { SHIPGATE_BIN, type TestRepo } from "@shipgate/test-utils";

export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  child: ChildProcess;
  /** Settles when the process has exited and its output is read. */
  exited: Promise<CliExit>;
}

/** Starts `node packages/cli/bin.js <argv>` in the repository. */
export function startCli(repo: TestRepo, argv: readonly string[], env: Record<string, string> = {}): RunningCli {
  const child = spawn(process.execPath, [SHIPGATE_BIN, ...argv], { cwd: repo.dir, env: { ...repo.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const exited = new Promise<CliExit>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, exited };
}

/** Runs the CLI to its end. */
export function runCli(repo: TestRepo, argv: readonly string[], env: Record<string, string> = {}): Promise<CliExit> {
  return startCli(repo, argv, env).exited;
}

/** Waits until `path` exists (a marker a test command writes), or fails after `timeoutMs` with what the CLI said. */
export async function waitForFile(path: string, cli: RunningCli, timeoutMs = 60_000): Promise<string> {
  let exited: CliExit | null = null;
  void cli.exited.then((result) => (exited = result));
  for (let waited = 0; waited < timeoutMs; waited += 25) {
    if (existsSync(path)) return readFileSync(path, "utf8").trim();
    if (exited !== null) throw new Error(`shipgate exited before ${path} appeared: ${JSON.stringify(exited)}`);
    await sleep(25);
  }
  throw new Error(`${path} did not appear within ${timeoutMs}ms`);
}

/** Whether a process runs (a zombie, dead but not yet reaped by its parent, counts as gone). */
export function processRuns(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** Waits up to `timeoutMs` for a process to end; returns whether it did. */
export async function processEnds(pid: number, timeoutMs = 5_000): Promise<boolean> {
  for (let waited = 0; waited < timeoutMs; waited += 25) {
    if (!processRuns(pid)) return true;
    await sleep(25);
  }
  return !processRuns(pid);
}
