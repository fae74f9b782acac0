/** A small argument parser built on node:util parseArgs, with errors that say how to fix the command line. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "@shipgate/core/errors";

export type Options = NonNullable<ParseArgsConfig["options"]>;

export function parse<O extends Options>(
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
