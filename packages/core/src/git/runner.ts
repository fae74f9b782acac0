/** The one way shipgate runs git: argument arrays, a scrubbed environment, a debug trace with timings. */
import { spawn, type ChildProcessByStdio } from "node:child_process";
import { closeSync, fstatSync, mkdtempSync, openSync, readSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { GitError } from "../errors.js";
import { createDebug } from "../debug.js";

const debug = createDebug("shipgate:git");

/** Variables a nested git call may inherit: the index of `commit -a`/pathspec commits and push quarantine. */
const KEPT_GIT_VARS = new Set([
  "GIT_INDEX_FILE",
  "GIT_OBJECT_DIRECTORY",
  "GIT_ALTERNATE_OBJECT_DIRECTORIES",
  "GIT_QUARANTINE_PATH",
  "GIT_EXEC_PATH",
  "GIT_SSH",
  "GIT_SSH_COMMAND",
  "GIT_ASKPASS",
  "GIT_TERMINAL_PROMPT",
  "GIT_CONFIG_NOSYSTEM",
  "GIT_CONFIG_GLOBAL",
  "GIT_CONFIG_SYSTEM",
]);

/** Drops GIT_* variables a hook inherits (GIT_DIR, GIT_WORK_TREE, GIT_PREFIX, ...) except the ones nested calls need. */
export function scrubGitEnv(env: NodeJS.ProcessEnv, keep: ReadonlySet<string> = KEPT_GIT_VARS): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (key.startsWith("GIT_") && !keep.has(key)) continue;
    out[key] = value;
  }
  return out;
}

export interface GitRunOptions {
  /** Bytes written to git's stdin. */
  input?: string | Buffer;
  /** Exit codes that are not failures (default: only 0). */
  okCodes?: readonly number[];
  /** Extra environment for this call only. */
  env?: Record<string, string | undefined>;
  /** A sentence that tells the user what to check when this call fails. */
  hint?: string;
  /** Run in its own process group so a terminal Ctrl-C cannot kill it halfway (for writes that must complete). */
  detached?: boolean;
}

export interface GitResult {
  stdout: Buffer;
  stderr: string;
  code: number;
}

export type GitChild = ChildProcessByStdio<Writable, Readable, Readable>;

/** Runs git in one directory with one environment; every call goes through here. */
export class Git {
  /** Fixed flags before every subcommand: no pager, no colour, no quoted paths, no submodule recursion. */
  static readonly baseArgs = ["-c", "core.quotePath=false", "-c", "color.ui=false", "-c", "submodule.recurse=false", "--no-pager"];

  constructor(
    readonly cwd: string,
    readonly env: Record<string, string>,
  ) {}

  /** A runner for the same repository whose calls also carry `extra` environment. */
  withEnv(extra: Record<string, string | undefined>): Git {
    const env = { ...this.env };
    for (const [key, value] of Object.entries(extra)) {
      if (value === undefined) delete env[key];
      else env[key] = value;
    }
    return new Git(this.cwd, env);
  }

  spawn(args: readonly string[], options: { env?: Record<string, string | undefined>; detached?: boolean } = {}): GitChild {
    const env = options.env ? this.withEnv(options.env).env : this.env;
    return spawn("git", [...Git.baseArgs, ...args], { cwd: this.cwd, env, stdio: ["pipe", "pipe", "pipe"], detached: options.detached ?? false });
  }

  /**
   * Runs git handing each stdout chunk to `onChunk`; `done` resolves when git exits 0 and rejects with a GitError
   * otherwise. `input` is written to stdin and stdin closed; with null, stdin is the caller's to write and end.
   */
  stream(args: readonly string[], input: string | null, onChunk: (chunk: Buffer) => void): { stdin: Writable; done: Promise<void> } {
    if (debug.enabled) debug(`git ${args.join(" ")} (streamed)`);
    const child = this.spawn(args);
    const stderr: Buffer[] = [];
    child.stdout.on("data", onChunk);
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.stdin.on("error", () => undefined); // git may exit before reading all input
    if (input !== null) child.stdin.end(input);
    const done = new Promise<void>((resolve, reject) => {
      child.on("error", (error) => reject(cannotRun(args, error)));
      child.on("close", (code) => (code === 0 ? resolve() : reject(new GitError(args, code, Buffer.concat(stderr).toString("utf8")))));
    });
    done.catch(() => undefined); // the caller awaits it; a rejection before that is not unhandled
    return { stdin: child.stdin, done };
  }

  async run(args: readonly string[], options: GitRunOptions = {}): Promise<GitResult> {
    const started = debug.enabled ? performance.now() : 0;
    const child = this.spawn(args, { ...(options.env ? { env: options.env } : {}), ...(options.detached ? { detached: true } : {}) });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.stdin.on("error", () => undefined); // git may exit before reading all input
    child.stdin.end(options.input ?? "");
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on("error", (error) => reject(cannotRun(args, error)));
      child.on("close", (exitCode) => resolve(exitCode));
    });
    const stderr = Buffer.concat(err).toString("utf8");
    if (debug.enabled) debug(`git ${args.join(" ")} -> ${code} (${(performance.now() - started).toFixed(1)}ms)`);
    const ok = options.okCodes ?? [0];
    if (code === null || !ok.includes(code)) throw new GitError(args, code, stderr, options.hint);
    return { stdout: Buffer.concat(out), stderr, code };
  }

  /**
   * Runs git with stdout going to a private temporary file and returns the whole output once git has exited. For large
   * outputs of commands that flush per item (`diff-tree --stdin`, `log -p`): through a pipe every flush wakes the
   * reader, which costs more than the work itself; a file costs git nothing.
   */
  async capture(args: readonly string[], input: string): Promise<Buffer> {
    let output: Buffer = Buffer.alloc(0);
    const run = this.spoolTo(
      args,
      (data) => {
        output = data;
        return data.length;
      },
      true,
    );
    run.stdin.end(input);
    await run.done;
    return output;
  }

  /**
   * Like `capture`, but hands the output over while git still writes it, and git's stdin is the caller's to write and
   * end: every SPOOL_POLL_MS, what has arrived and not been used is given to `take`, which returns how many leading
   * bytes it used (a consumer of whole records leaves a partial one for the next call); once git has exited, `take`
   * gets the rest with `done` set. The file is unlinked as soon as it is open, so nothing is left behind.
   */
  spool(args: readonly string[], take: (data: Buffer, done: boolean) => number): { stdin: Writable; done: Promise<void> } {
    return this.spoolTo(args, take, false);
  }

  private spoolTo(args: readonly string[], take: (data: Buffer, done: boolean) => number, whole: boolean): { stdin: Writable; done: Promise<void> } {
    const started = performance.now();
    const dir = mkdtempSync(join(tmpdir(), "shipgate-"));
    let writeFd = -1;
    let readFd = -1;
    let child: ChildProcessByStdio<Writable, null, Readable>;
    try {
      const file = join(dir, "out");
      writeFd = openSync(file, "wx", 0o600);
      readFd = openSync(file, "r");
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {
        // Systems that cannot remove an open file: removed once the output is read.
      }
      child = spawn("git", [...Git.baseArgs, ...args], { cwd: this.cwd, env: this.env, stdio: ["pipe", writeFd, "pipe"] }) as ChildProcessByStdio<
        Writable,
        null,
        Readable
      >;
    } catch (error) {
      if (readFd !== -1) closeSync(readFd);
      rmSync(dir, { recursive: true, force: true });
      throw error;
    } finally {
      if (writeFd !== -1) closeSync(writeFd);
    }
    child.stdin.on("error", () => undefined); // git may exit before reading all input
    const done = this.follow(args, child, readFd, take, whole)
      .then((bytes) => {
        if (debug.enabled) debug(`git ${args.join(" ")} spooled ${bytes} bytes (${(performance.now() - started).toFixed(1)}ms)`);
      })
      .finally(() => {
        closeSync(readFd);
        rmSync(dir, { recursive: true, force: true });
      });
    done.catch(() => undefined); // the caller awaits it; a rejection before that is not unhandled
    return { stdin: child.stdin, done };
  }

  /** Reads the spool file `readFd` that `child` writes, as `spool` describes. */
  private async follow(
    args: readonly string[],
    child: ChildProcessByStdio<Writable, null, Readable>,
    readFd: number,
    take: (data: Buffer, done: boolean) => number,
    whole: boolean,
  ): Promise<number> {
    const err: Buffer[] = [];
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    let exit: number | null | undefined;
    const closed = new Promise<void>((resolve, reject) => {
      child.on("error", (error) => reject(cannotRun(args, error)));
      child.on("close", (code) => {
        exit = code;
        resolve();
      });
    });
    closed.catch(() => undefined);
    let bytes: number;
    try {
      bytes = await this.readSpool(args, readFd, take, whole, closed, () => exit);
    } catch (error) {
      child.kill(); // a reader that failed stops the writer too
      throw error;
    }
    await closed;
    if (exit !== 0) throw new GitError(args, exit ?? null, Buffer.concat(err).toString("utf8"));
    return bytes;
  }

  /** Feeds the spool file to `take` as `spool` describes; resolves to the number of bytes read. */
  private async readSpool(
    args: readonly string[],
    readFd: number,
    take: (data: Buffer, done: boolean) => number,
    whole: boolean,
    closed: Promise<void>,
    exitCode: () => number | null | undefined,
  ): Promise<number> {
    // Bytes read but not yet used. When `take` leaves most of them (one huge record still being written), it is asked
    // again only once they have doubled, so a record of any size is joined and looked at a bounded number of times.
    let unused: Buffer[] = [];
    let unusedLength = 0;
    let askAt = 0;
    let position = 0;
    for (;;) {
      await (whole ? closed : Promise.race([closed, new Promise<void>((resolve) => setTimeout(resolve, SPOOL_POLL_MS))]));
      const exit = exitCode();
      const done = exit !== undefined;
      if (done && exit !== 0) return position;
      const size = fstatSync(readFd).size;
      if (size > position) {
        const chunk = Buffer.allocUnsafe(size - position);
        for (let at = 0; at < chunk.length;) {
          const n = readSync(readFd, chunk, at, chunk.length - at, position);
          if (n === 0) throw new GitError(args, exit ?? null, "the output file shrank while it was read");
          at += n;
          position += n;
        }
        unused.push(chunk);
        unusedLength += chunk.length;
      }
      if (done || (unusedLength > 0 && unusedLength >= askAt)) {
        const data = unused.length === 1 ? (unused[0] as Buffer) : Buffer.concat(unused, unusedLength);
        const rest = data.subarray(take(data, done));
        unused = rest.length > 0 ? [rest] : [];
        unusedLength = rest.length;
        askAt = rest.length * 2;
      }
      if (done) return position;
    }
  }

  /** stdout as UTF-8 with the trailing newline removed. */
  async text(args: readonly string[], options: GitRunOptions = {}): Promise<string> {
    const { stdout } = await this.run(args, options);
    return stdout.toString("utf8").replace(/\n$/, "");
  }

  /** Like `run` but reports a failing exit code as `null` instead of throwing (for probes like `rev-parse --verify`). */
  async probe(args: readonly string[], options: GitRunOptions = {}): Promise<string | null> {
    try {
      return await this.text(args, options);
    } catch (error) {
      if (error instanceof GitError && error.code !== null) return null;
      throw error;
    }
  }
}

/** How often a spool is read while git writes it: long enough that each read finds many records. */
const SPOOL_POLL_MS = 15;

function cannotRun(args: readonly string[], error: Error): GitError {
  return new GitError(args, null, `cannot run git: ${error.message}`, "Install git and make sure it is on PATH.");
}

/** Splits NUL-terminated output into byte strings (the last, empty, piece dropped). */
export function splitZ(buffer: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = buffer.indexOf(0, start); i !== -1; i = buffer.indexOf(0, start)) {
    parts.push(buffer.subarray(start, i));
    start = i + 1;
  }
  if (start < buffer.length) parts.push(buffer.subarray(start));
  return parts;
}
