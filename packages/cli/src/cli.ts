/** The `shipgate` command: parses the command name, lazily loads its module, maps errors to exit codes. */
import { createRequire } from "node:module";
import { relative } from "node:path";
import { describeError, ExitCode, isHelpRequest, isShipgateError, SCHEMA_FILE, UsageError } from "@shipgate/core/errors";
import { didYouMean } from "@shipgate/core/command";
import { processIo, type Command, type Io } from "./io.js";
import { knownCommandNames, pluginCommand, pluginCommandSummaries } from "./plugin-commands.js";

export { flushOutput } from "./io.js";
export { createDebug } from "@shipgate/core/debug";

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ default: Command }> }> = {
  init: { summary: "set up husky hooks and .shipgate.yml in this repository", load: () => import("./commands/init.js") },
  run: { summary: "run a hook: pre-commit | commit-msg <file> | pre-push <remote> <url>", load: () => import("./commands/run.js") },
  baseline: { summary: "show or move the adoption point: history before it is never judged", load: () => import("./commands/baseline.js") },
  check: { summary: "check staged changes, a revision range or everything (for CI and humans)", load: () => import("./commands/check.js") },
  demo: {
    summary: "show one policy from commit to production, and a failing release rolled back, in throwaway repositories",
    load: () => import("./commands/demo/index.js"),
  },
  policies: { summary: "list the policies and what the config turns on", load: () => import("./commands/policies.js") },
  gate: { summary: "the release gate: refuse a release whose migrations break the running version", load: () => import("./commands/gate.js") },
  migrations: { summary: "lint migrations, verify them on a real database, list the rules", load: () => import("./commands/migrations.js") },
  daemon: { summary: "start, stop or ask about the warm lint daemon that serves this repository's hooks", load: () => import("./commands/daemon.js") },
};

const HELP = ["--help", "-h", "help"];
const VERSION = ["--version", "-v", "version"];

/** The usage text: this package's commands, then those of every installed plugin (deploy, server). */
export async function usage(): Promise<string> {
  const all = [...Object.entries(COMMANDS).map(([name, command]) => [name, command.summary] as const), ...(await pluginCommandSummaries())];
  const width = Math.max(...all.map(([name]) => name.length));
  const lines = all.map(([name, summary]) => `  ${name.padEnd(width)}  ${summary}`);
  return [
    "shipgate: one policy from commit to production",
    "",
    "Usage: shipgate <command> [options]      shipgate <command> --help shows a command's options",
    "",
    "Commands:",
    ...lines,
    "",
    "Options: -h, --help (this text), -v, --version (the installed version).",
    "Environment: SHIPGATE=0 skips client hooks, SHIPGATE_SKIP=a,b skips policies, DEBUG=shipgate:* traces git calls.",
    "Exit codes: 0 pass, 1 blocked by policy, 2 bad usage or config, 3 internal error;",
    "a deploy: 0 live and verified, 1 refused by the gate, 4 rolled back to the last good release, 5 rollback failed (frozen).",
    "",
  ].join("\n");
}

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || HELP.includes(name)) {
      // `shipgate help check` is `shipgate check --help`.
      if (name === "help" && rest[0] !== undefined) return await main([rest[0], "--help"], io);
      io.stdout.write(await usage());
      return name === undefined ? ExitCode.Usage : ExitCode.Pass;
    }
    if (VERSION.includes(name)) {
      io.stdout.write(`${await version()}\n`);
      return ExitCode.Pass;
    }
    const command = COMMANDS[name] ?? (await pluginCommand(name));
    if (!command) {
      const candidates = name.startsWith("-") ? ["--help", "--version"] : [...Object.keys(COMMANDS), ...knownCommandNames()];
      throw new UsageError(`unknown command "${name}"${didYouMean(name, candidates)}`, { hint: "Run shipgate --help for the list of commands." });
    }
    const module = await command.load();
    return await module.default(rest, io);
  } catch (error) {
    return report(error, rest, io);
  }
}

/** Prints what went wrong (or the help that was asked for) and returns the exit code for it. */
function report(error: unknown, argv: readonly string[], io: Io): number {
  if (isHelpRequest(error)) {
    io.stdout.write(error.message.endsWith("\n") ? error.message : `${error.message}\n`);
    return ExitCode.Pass;
  }
  const { exitCode, message, hint, details } = describeError(error);
  // A command that dispatches on its own (a plugin's subcommands) may answer `--help` with a usage error: show its usage.
  const end = argv.indexOf("--");
  const helpFlag = (end === -1 ? argv : argv.slice(0, end)).some((arg) => arg === "--help" || arg === "-h");
  if (helpFlag && isShipgateError(error) && exitCode === ExitCode.Usage && hint?.startsWith("Usage:") === true) {
    io.stdout.write(`${hint}\n`);
    return ExitCode.Pass;
  }
  io.stderr.write(`shipgate: ${message}\n`);
  for (const detail of details) io.stderr.write(`  ${detail}\n`);
  if (hint !== undefined) io.stderr.write(`  ${hint.replace(SCHEMA_FILE, schemaFile(io.cwd))}\n`);
  return exitCode;
}

/** The schema.json of the shipgate that runs (found by its own name, as `version` is), from the working directory when shorter. */
function schemaFile(cwd: string): string {
  let absolute: string;
  try {
    absolute = createRequire(import.meta.url).resolve("shipgate/schema.json");
  } catch {
    return SCHEMA_FILE;
  }
  const fromCwd = relative(cwd, absolute);
  return fromCwd.length < absolute.length ? fromCwd : absolute;
}

/** The version of this package, found by its own name, so the path is right from the sources, dist and the bundle alike. */
async function version(): Promise<string> {
  return (createRequire(import.meta.url)("shipgate/package.json") as { version: string }).version;
}
