/** What a CLI command is, for the commands each package contributes: argv and the outside world in, an exit code out. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { HelpRequested, UsageError } from "../errors.js";
import { didYouMean } from "../suggest.js";

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

/** node:util's option config, plus what `--help` shows of it (node:util ignores these keys). */
export type CommandOption = NonNullable<ParseArgsConfig["options"]>[string] & {
  /** One line for `--help`. */
  description?: string;
  /** What the value stands for in `--help` (`--config <FILE>`); `value` when absent. */
  placeholder?: string;
};

export type CommandOptions = Record<string, CommandOption>;

export { closest, didYouMean } from "../suggest.js";

const HELP_FLAGS = ["--help", "-h"];

/**
 * node:util parseArgs with errors that say how to fix the command line: `--help`/`-h` anywhere before `--` is answered
 * with the usage and options (exit 0), and an unknown option with the nearest known one.
 */
export function parseCommandArgs<O extends CommandOptions>(
  argv: string[],
  options: O,
  usage: string,
): ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>> {
  if (asksForHelp(argv, options)) throw new HelpRequested(formatHelp(usage, options));
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(describeParseError(error as Error, options), { hint: `Usage: ${usage}` });
  }
}

/**
 * The subcommand of a command with several (`migrations lint`), and the arguments after it. No subcommand, `help`,
 * `--help` or `-h` print the usage; an unknown one is named with the nearest known one.
 */
export function parseSubcommand<S extends string>(
  argv: readonly string[],
  subcommands: Readonly<Record<S, string>>,
  usage: string,
): { name: S; rest: string[] } {
  const [name, ...rest] = argv;
  const names = Object.keys(subcommands) as S[];
  const help = formatSubcommands(usage, subcommands);
  if (name === "help" || (name !== undefined && HELP_FLAGS.includes(name))) throw new HelpRequested(help);
  const hint = `Usage: ${usage}  (--help describes each)`;
  if (name === undefined) throw new UsageError(`missing subcommand: one of ${names.join(", ")}`, { hint });
  const known = names.find((candidate) => candidate === name);
  if (known !== undefined) return { name: known, rest };
  throw new UsageError(`unknown subcommand "${name}"${didYouMean(name, names)}`, { hint });
}

/** The help text: the usage line(s), then one line per option with its value, default and description. */
export function formatHelp(usage: string, options: CommandOptions): string {
  const rows = Object.entries(options).map(([name, option]) => {
    const flag = `${option.short === undefined ? "    " : `-${option.short}, `}--${name}${option.type === "string" ? ` <${option.placeholder ?? "value"}>` : ""}`;
    const repeat = option.multiple === true ? " (repeatable)" : "";
    const fallback = option.default === undefined || option.default === false ? "" : ` (default: ${String(option.default)})`;
    return [flag, `${option.description ?? ""}${repeat}${fallback}`.trim()] as const;
  });
  rows.push(["-h, --help", "show this help"]);
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return [`Usage: ${usage}`, "", "Options:", ...rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`.trimEnd()), ""].join("\n");
}

function formatSubcommands(usage: string, subcommands: Readonly<Record<string, string>>): string {
  const entries = Object.entries(subcommands);
  const width = Math.max(...entries.map(([name]) => name.length));
  return [
    `Usage: ${usage}`,
    "",
    "Subcommands:",
    ...entries.map(([name, summary]) => `  ${name.padEnd(width)}  ${summary}`),
    "",
    "Each takes --help for its options.",
    "",
  ].join("\n");
}

function asksForHelp(argv: readonly string[], options: CommandOptions): boolean {
  if (options["help"] !== undefined) return false;
  const shortH = Object.values(options).some((option) => option.short === "h");
  for (const arg of argv) {
    if (arg === "--") return false;
    if (arg === "--help" || (arg === "-h" && !shortH)) return true;
  }
  return false;
}

/** node:util's message without its advice about `--`, and the nearest known option for an unknown one. */
function describeParseError(error: Error, options: CommandOptions): string {
  const message = error.message.replace(/\. To specify.*$/s, "");
  const unknown = /^Unknown option '(-{1,2}[^']*)'/.exec(message)?.[1];
  if ((error as NodeJS.ErrnoException).code !== "ERR_PARSE_ARGS_UNKNOWN_OPTION" || unknown === undefined) return message;
  // A one-letter option is too short to guess from; a long one is compared with the long names.
  const longNames = unknown.startsWith("--") ? [...Object.keys(options).map((name) => `--${name}`), "--help"] : [];
  return `unknown option ${unknown}${didYouMean(unknown, longNames)}`;
}
