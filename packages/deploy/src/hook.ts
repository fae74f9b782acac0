/**
 * `shipgate-deploy post-receive --config <trusted config>`: what the post-receive hook execs. Reads the pushed refs,
 * queues deploys, starts a detached worker whose output goes to a log file, and returns at once: the push is done
 * whatever happens here, so a failure is reported to the pusher and never turned into an exit code git would ignore.
 */
import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { stateDir, workerLogPath } from "./audit.js";
import { messages } from "./messages.js";
import { postReceive } from "./trigger.js";

/** Variables git hosts set to the authenticated pusher, most specific first. */
const PUSHER_VARS = ["SHIPGATE_USER", "REMOTE_USER", "GL_USER", "GL_USERNAME", "GITHUB_USER_LOGIN"];

export interface HookIo {
  stdin: NodeJS.ReadableStream;
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const defaultIo = (): HookIo => ({ stdin: process.stdin, stderr: process.stderr, env: process.env, cwd: process.cwd() });

export async function postReceiveMain(argv: string[], io: HookIo = defaultIo()): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { config: { type: "string" } }, strict: true });
  const print = (line: string) => io.stderr.write(`${line}\n`);
  if (values.config === undefined || values.config === "") {
    print(messages.hookNeedsConfig);
    return 0;
  }
  const gitDir = resolve(io.cwd, io.env["GIT_DIR"] ?? ".");
  const configFile = resolve(io.cwd, values.config);
  try {
    await postReceive({
      gitDir,
      configFile,
      input: await readAll(io.stdin),
      who: pusher(io.env),
      env: io.env,
      print,
      startWorker: () => startWorker(gitDir, configFile, io.env),
    });
  } catch (error) {
    print(messages.triggerFailed((error as Error).message));
  }
  return 0;
}

/** `<bin> worker --once --git-dir G --config F`, detached from the push: its own session, stdio to the worker log. */
export function startWorker(gitDir: string, configFile: string, env: NodeJS.ProcessEnv): void {
  const log = workerLogPath(gitDir);
  mkdirSync(stateDir(gitDir), { recursive: true });
  const fd = openSync(log, "a", 0o640);
  try {
    const bin = fileURLToPath(new URL("../bin.js", import.meta.url));
    const clean = Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith("GIT_") || key.startsWith("GIT_CONFIG")));
    const child = spawn(process.execPath, [bin, "worker", "--once", "--git-dir", gitDir, "--config", configFile], {
      cwd: gitDir,
      env: clean,
      detached: true,
      stdio: ["ignore", fd, fd],
    });
    child.unref();
  } finally {
    closeSync(fd);
  }
}

function pusher(env: NodeJS.ProcessEnv): string {
  for (const name of PUSHER_VARS) {
    const value = env[name]?.trim();
    if (value !== undefined && value !== "") return value;
  }
  return "unknown";
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}
