/** The one runner for every external command the deploy package starts: its own process group, a timeout, bounded output. */
import { closeSync, fstatSync, mkdtempSync, openSync, readSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { createDebug } from "@shipgate/core";
import type { CommandLineSetting } from "./settings.js";
import type { DeployRequest, StepOutcome } from "./types.js";

const debug = createDebug("shipgate:deploy");

export interface RunOptions {
  cwd: string;
  /** Added to the worker's environment (GIT_* scrubbed), e.g. `releaseEnv(request)`. */
  env?: Record<string, string>;
  timeoutMs: number;
  /** Aborting it kills the command's whole process group. */
  signal?: AbortSignal;
  /** Bytes of output kept: the tail, with a marker saying how much was cut. */
  outputLimit: number;
  /** Exit codes that count as success (default: 0). */
  okExitCodes?: readonly number[];
  /** How long the group gets between SIGTERM and SIGKILL. */
  killGraceMs?: number;
}

/** What a command did: a StepOutcome plus how it ended. */
export interface CommandResult extends StepOutcome {
  /** How the record names the command (`npm ci`, `sh -c '...'`). */
  command: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
}

/**
 * Runs a command the user configured: a string through `sh -c` (the user wrote shell), a list as an argument vector.
 * It runs detached in its own process group, and on timeout or abort the whole group gets SIGTERM, then SIGKILL once
 * the leader exited or the grace ran out, so a grandchild (`sleep 1000 &`) dies with it. Never rejects.
 */
export async function runCommand(command: CommandLineSetting, options: RunOptions): Promise<CommandResult> {
  const [file, args] = typeof command === "string" ? ["sh", ["-c", command]] : [command[0] ?? "", command.slice(1)];
  const name = describeCommand(command);
  const startedAt = new Date();
  const started = performance.now();
  const tail = new OutputTail(options.outputLimit);
  const finish = (fields: Omit<CommandResult, "command" | "output" | "startedAt" | "endedAt" | "durationMs">): CommandResult => {
    const durationMs = performance.now() - started;
    if (debug.enabled) debug(`${name} in ${options.cwd} -> ${fields.reason} (${durationMs.toFixed(1)}ms)`);
    return { command: name, output: tail.text(), startedAt: startedAt.toISOString(), endedAt: new Date().toISOString(), durationMs, ...fields };
  };
  if (options.signal?.aborted)
    return finish({ ok: false, reason: runMessages.cancelled(name), exitCode: null, signal: null, timedOut: false, cancelled: true });

  // Both streams go to one file: the order of lines is exactly the order they were written in, and a process left
  // running in the background (a daemon whose output was not redirected) holds no pipe that the runner would wait on.
  const capture = openCapture();
  let ended: Ended;
  try {
    ended = await runInGroup(file, args, options, capture.fd);
  } finally {
    capture.readTail(tail);
  }
  const { exitCode, signal, spawnError } = ended;
  const timedOut = ended.stopped === "timeout";
  const cancelled = ended.stopped === "cancel";
  const ok = !timedOut && !cancelled && exitCode !== null && (options.okExitCodes ?? [0]).includes(exitCode);
  let reason: string;
  if (timedOut) reason = runMessages.timedOut(name, options.timeoutMs);
  else if (cancelled) reason = runMessages.cancelled(name);
  else if (spawnError !== null) reason = runMessages.cannotRun(name, spawnError);
  else if (exitCode === null) reason = runMessages.killed(name, signal ?? "a signal");
  else reason = ok ? runMessages.passed(name, exitCode) : runMessages.exited(name, exitCode);
  return finish({ ok, reason, exitCode, signal, timedOut, cancelled });
}

interface Ended {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Why the runner stopped the command, if it did. */
  stopped: "timeout" | "cancel" | null;
  /** Why the command could not be started (not found, not executable, no such cwd). */
  spawnError: string | null;
}

/** Runs the command detached in its own process group and, on timeout or abort, kills the whole group. */
async function runInGroup(file: string, args: readonly string[], options: RunOptions, outputFd: number): Promise<Ended> {
  const child = execa(file, args, {
    cwd: options.cwd,
    env: { ...commandEnv(), ...options.env },
    extendEnv: false,
    detached: true,
    stdin: "ignore",
    // execa's types list descriptors 3-9 only; any descriptor open in this process is handed to spawn as is.
    stdout: outputFd as 3,
    stderr: outputFd as 3,
    reject: false,
    windowsHide: true,
  });
  let stopped: Ended["stopped"] = null;
  const stop = (why: "timeout" | "cancel") => {
    if (stopped !== null) return;
    stopped = why;
    killGroup(child.pid, "SIGTERM");
    const force = setTimeout(() => killGroup(child.pid, "SIGKILL"), options.killGraceMs ?? 3000);
    child.once("exit", () => {
      clearTimeout(force);
      killGroup(child.pid, "SIGKILL"); // whatever in the group ignored SIGTERM
    });
  };
  const timer = setTimeout(() => stop("timeout"), options.timeoutMs);
  const onAbort = () => stop("cancel");
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const result = await child;
  clearTimeout(timer);
  options.signal?.removeEventListener("abort", onAbort);
  const exitCode = result.exitCode ?? null;
  const signal = result.signal ?? null;
  const notStarted = exitCode === null && signal === null && stopped === null;
  return {
    exitCode,
    signal,
    stopped,
    spawnError: notStarted ? (result.cause instanceof Error ? result.cause.message : (result.message ?? "unknown error")) : null,
  };
}

/** The SHIPGATE_* variables every deploy, restart and verify command gets (empty when there is no such release). */
export function releaseEnv(request: DeployRequest): Record<string, string> {
  return {
    SHIPGATE_TAG: request.release.tag,
    SHIPGATE_SHA: request.release.sha,
    SHIPGATE_ENV: request.env,
    SHIPGATE_PREVIOUS_TAG: request.previous?.tag ?? "",
    SHIPGATE_PREVIOUS_SHA: request.previous?.sha ?? "",
    SHIPGATE_LAST_GOOD_TAG: request.lastGood?.tag ?? "",
    SHIPGATE_LAST_GOOD_SHA: request.lastGood?.sha ?? "",
  };
}

/** How a command line is shown in logs and records. */
export function describeCommand(command: CommandLineSetting): string {
  if (typeof command === "string") return command;
  return command.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`)).join(" ");
}

/** Joins the outputs of several commands under `$ <command>` headers, bounded to `limit` bytes (the tail kept). */
export function joinOutputs(results: readonly Pick<CommandResult, "command" | "output">[], limit: number): string {
  const tail = new OutputTail(limit);
  for (const result of results)
    tail.push(Buffer.from(`$ ${result.command}\n${result.output}${result.output.endsWith("\n") || result.output === "" ? "" : "\n"}`));
  return tail.text();
}

/** Keeps the last `limit` bytes of a stream of chunks and counts what it dropped. */
export class OutputTail {
  private chunks: Buffer[] = [];
  private stored = 0;
  private total = 0;

  constructor(private readonly limit: number) {}

  /** Takes the last bytes of a file of `size` bytes (the rest counts as cut). */
  pushTail(fd: number, size: number): void {
    const length = Math.min(size, this.limit);
    const data = Buffer.alloc(length);
    for (let at = 0; at < length;) {
      const n = readSync(fd, data, at, length - at, size - length + at);
      if (n === 0) break;
      at += n;
    }
    this.total += size - length;
    this.push(data);
  }

  push(chunk: Buffer): void {
    this.total += chunk.length;
    this.chunks.push(chunk);
    this.stored += chunk.length;
    if (this.stored > 2 * this.limit + 65536) this.compact();
  }

  text(): string {
    this.compact();
    const cut = this.total - this.stored;
    const data = this.chunks[0] ?? Buffer.alloc(0);
    let start = 0;
    if (cut > 0) while (start < data.length && ((data[start] as number) & 0xc0) === 0x80) start++; // no half character
    const text = data.subarray(start).toString("utf8");
    return cut + start > 0 ? runMessages.cut(cut + start) + text : text;
  }

  private compact(): void {
    const all = Buffer.concat(this.chunks);
    const kept = all.length > this.limit ? all.subarray(all.length - this.limit) : all;
    this.chunks = [kept];
    this.stored = kept.length;
  }
}

/** Sentences of the runner (fold into the package's messages.ts with the engine). */
export const runMessages = {
  passed: (name: string, code: number) => `\`${name}\` exited with code ${code}`,
  exited: (name: string, code: number) => `\`${name}\` failed: it exited with code ${code}`,
  killed: (name: string, signal: string) => `\`${name}\` was killed by ${signal}`,
  timedOut: (name: string, ms: number) => `\`${name}\` timed out after ${formatSeconds(ms)}; its whole process group was killed`,
  cancelled: (name: string) => `\`${name}\` was cancelled; its whole process group was killed`,
  cannotRun: (name: string, why: string) => `cannot run \`${name}\`: ${why}`,
  cut: (bytes: number) => `[… ${bytes} earlier bytes of output cut …]\n`,
};

export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/**
 * The worker's environment for a user's command: no GIT_* variable of a hook (GIT_DIR would point the command's own git
 * at the bare repository) except how git reaches remotes and which config it reads, and no inherited SHIPGATE_*.
 */
function commandEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key.startsWith("SHIPGATE_")) continue;
    if (key.startsWith("GIT_") && !KEPT_GIT_VAR.test(key)) continue;
    env[key] = value;
  }
  return env;
}

const KEPT_GIT_VAR = /^GIT_(?:SSH|SSH_COMMAND|ASKPASS|TERMINAL_PROMPT|CONFIG_NOSYSTEM|CONFIG_GLOBAL|CONFIG_SYSTEM)$/;

/** An unlinked temporary file that a command writes its output to; only its tail is ever read. */
function openCapture(): { fd: number; readTail: (into: OutputTail) => void } {
  const dir = mkdtempSync(join(tmpdir(), "shipgate-output-"));
  const fd = openSync(join(dir, "output"), "w+", 0o600);
  rmSync(dir, { recursive: true, force: true });
  return {
    fd,
    readTail: (into) => {
      try {
        into.pushTail(fd, fstatSync(fd).size);
      } finally {
        closeSync(fd);
      }
    },
  };
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone
  }
}
