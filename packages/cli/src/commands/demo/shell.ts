/** How the demo runs things: every command through execa in its own process group, with a time limit, output captured. */
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { importModule } from "@shipgate/core";
import type * as Execa from "execa";

export interface Ran {
  /** The exit code, or null when the command was killed (its time limit, or the demo stopped). */
  status: number | null;
  /** stdout and stderr interleaved as written. */
  output: string;
  timedOut: boolean;
}

export interface Shell {
  /** Runs `file args` in `cwd`; never rejects. A command still running after `timeoutMs` is killed with its process group. */
  run(file: string, args: readonly string[], options: { cwd: string; timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<Ran>;
  /** Runs the shipgate CLI this demo belongs to. */
  shipgate(args: readonly string[], options: { cwd: string; timeoutMs: number }): Promise<Ran>;
  /** The environment every command gets: git pinned to the demo's identity and config, shipgate's skips removed. */
  env: NodeJS.ProcessEnv;
}

/** The package.json of the shipgate CLI running now (self-reference works in the bundle and from dist alike). */
export function cliDir(): string {
  return dirname(createRequire(import.meta.url).resolve("shipgate/package.json"));
}

export function createShell(base: NodeJS.ProcessEnv, signal: AbortSignal): Shell {
  const env = demoEnv(base);
  const bin = join(cliDir(), "bin.cjs");
  const run: Shell["run"] = async (file, args, options) => {
    const { execa } = await importModule<typeof Execa>("execa", import.meta.url);
    const child = execa(file, args, {
      cwd: options.cwd,
      env: options.env ?? env,
      extendEnv: false,
      all: true,
      reject: false,
      stdin: "ignore",
      // Its own process group, so a time limit or Ctrl-C stops the hooks and tools it started too.
      detached: true,
      timeout: options.timeoutMs,
      cancelSignal: signal,
      killSignal: "SIGTERM",
      forceKillAfterDelay: 2000,
      stripFinalNewline: false,
    });
    const killGroup = () => {
      if (child.pid !== undefined) kill(-child.pid, "SIGKILL");
    };
    const result = await child;
    if (result.timedOut || result.isCanceled) killGroup();
    return { status: result.exitCode ?? null, output: result.all ?? "", timedOut: result.timedOut };
  };
  return {
    env,
    run,
    shipgate: (args, options) => run(process.execPath, [bin, ...args], options),
  };
}

/** Writes `text` to `path` under `dir`, creating the folders between. */
export function writeIn(dir: string, path: string, text: string, mode?: number): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text, mode === undefined ? {} : { mode });
}

export function indent(text: string): string {
  return text.trim() === "" ? "" : text.replace(/\s+$/, "").replace(/^/gm, "    ") + "\n";
}

/** Sends `signal` to a process (a negative pid: its group); a process that is gone already is not an error. */
export function kill(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

function demoEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...base,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_AUTHOR_NAME: "Demo",
    GIT_AUTHOR_EMAIL: "demo@example.com",
    GIT_COMMITTER_NAME: "Demo",
    GIT_COMMITTER_EMAIL: "demo@example.com",
    // The server's hooks and the deploy record name the pusher.
    SHIPGATE_USER: "demo",
  };
  for (const key of Object.keys(env)) if (key.startsWith("GIT_") && !/^GIT_(CONFIG_|AUTHOR_|COMMITTER_)/.test(key)) delete env[key];
  delete env["SHIPGATE"];
  delete env["SHIPGATE_SKIP"];
  delete env["SHIPGATE_DATABASE_URL"];
  return env;
}
