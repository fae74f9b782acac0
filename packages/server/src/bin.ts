/** What the installed hook scripts exec: reads the hook's stdin, runs the checker, returns the exit code for git. */
import { parseArgs } from "node:util";
import { describeError, ExitCode } from "@shipgate/core";
import { isExecutable } from "./chain.js";
import { isFlavor } from "./input.js";
import { preReceive } from "./pre-receive.js";

/** For bin.js, which says through it whether the hook came from its code cache. */
export { createDebug } from "@shipgate/core";

export interface HookIo {
  stdin: NodeJS.ReadableStream;
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const USAGE = "usage: shipgate-server-hook pre-receive [--config FILE] [--chain FILE] [--flavor bare|gitolite|gitlab|github]";

export async function hookMain(
  argv: string[],
  io: HookIo = { stdin: process.stdin, stderr: process.stderr, env: process.env, cwd: process.cwd() },
): Promise<number> {
  let values: { config?: string | undefined; chain?: string | undefined; flavor?: string | undefined };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: { config: { type: "string" }, chain: { type: "string" }, flavor: { type: "string" } },
      allowPositionals: true,
      strict: true,
    }));
  } catch (error) {
    io.stderr.write(`shipgate: ${(error as Error).message}\n${USAGE}\n`);
    return ExitCode.Usage;
  }
  const flavor = values.flavor ?? "bare";
  if (positionals[0] !== "pre-receive" || positionals.length !== 1 || !isFlavor(flavor)) {
    io.stderr.write(`${USAGE}\n`);
    return ExitCode.Usage;
  }
  try {
    return await runPreReceiveHook({ config: values.config ?? null, chain: values.chain ?? null, flavor }, io);
  } catch (error) {
    // Anything that escapes the checker refuses the push (fail-closed) with one sentence.
    const { exitCode, message } = describeError(error);
    io.stderr.write(`shipgate: ${message}\n`);
    return exitCode === ExitCode.Pass ? ExitCode.Internal : exitCode;
  }
}

/** Shared with `shipgate server pre-receive`. */
export async function runPreReceiveHook(
  options: { config: string | null; chain: string | null; flavor: Parameters<typeof preReceive>[0]["flavor"] },
  io: HookIo,
): Promise<number> {
  const input = await readAll(io.stdin);
  const result = await preReceive({
    cwd: io.cwd,
    env: io.env,
    input,
    configPath: options.config,
    chained: options.chain !== null && isExecutable(options.chain) ? options.chain : null,
    flavor: options.flavor,
    log: (line) => io.stderr.write(`${line}\n`),
  });
  return result.exitCode;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}
