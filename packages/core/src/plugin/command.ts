/** What a CLI command is, for the commands each package contributes: argv and the outside world in, an exit code out. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../errors.js";

/** What a command may touch of the outside world: passed in, so commands are testable and never exit on their own. */
export interface CommandIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Every command module exports one as its default. It returns the exit code; errors it throws are mapped by the CLI. */
export type Command = (argv: string[], io: CommandIo) => Promise<number>;

export type CommandOptions = NonNullable<ParseArgsConfig["options"]>;

/** node:util parseArgs with errors that say how to fix the command line. */
export function parseCommandArgs<O extends CommandOptions>(
  argv: string[],
  options: O,
  usage: string,
): ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify.*$/s, ""), { hint: `Usage: ${usage}` });
  }
}
