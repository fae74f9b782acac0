/** The `shipgate` command: parses the command name, lazily loads its module, maps errors to exit codes. */
import { describeError, ExitCode } from "@shipgate/core/errors";
import { processIo, type Command, type Io } from "./io.js";
import { pluginCommand, pluginCommandSummaries } from "./plugin-commands.js";

export { flushOutput } from "./io.js";

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ default: Command }> }> = {
  init: { summary: "set up husky hooks and .shipgate.yml in this repository", load: () => import("./commands/init.js") },
  run: { summary: "run a hook: pre-commit | commit-msg <file> | pre-push <remote> <url>", load: () => import("./commands/run.js") },
  baseline: { summary: "show or move the adoption point: history before it is never judged", load: () => import("./commands/baseline.js") },
  check: { summary: "check staged changes, a revision range or everything (for CI and humans)", load: () => import("./commands/check.js") },
  demo: { summary: "show shipgate blocking and fixing commits in a throwaway repository", load: () => import("./commands/demo.js") },
  policies: { summary: "list the policies and what the config turns on", load: () => import("./commands/policies.js") },
  gate: { summary: "the release gate: refuse a release whose migrations break the running version", load: () => import("./commands/gate.js") },
  migrations: { summary: "lint migrations, verify them on a real database, list the rules", load: () => import("./commands/migrations.js") },
};

/** The usage text: this package's commands, then those of every installed plugin (deploy, server). */
export async function usage(): Promise<string> {
  const all = [...Object.entries(COMMANDS).map(([name, command]) => [name, command.summary] as const), ...(await pluginCommandSummaries())];
  const width = Math.max(...all.map(([name]) => name.length));
  const lines = all.map(([name, summary]) => `  ${name.padEnd(width)}  ${summary}`);
  return [
    "shipgate: one policy from commit to production",
    "",
    "Usage: shipgate <command> [options]",
    "",
    "Commands:",
    ...lines,
    "",
    "Environment: SHIPGATE=0 skips client hooks, SHIPGATE_SKIP=a,b skips policies, DEBUG=shipgate:* traces git calls.",
    "Exit codes: 0 pass, 1 blocked by policy, 2 bad usage or config, 3 internal error;",
    "a deploy: 0 live and verified, 1 refused by the gate, 4 rolled back to the last good release, 5 rollback failed (frozen).",
    "",
  ].join("\n");
}

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(await usage());
    return name === undefined ? ExitCode.Usage : ExitCode.Pass;
  }
  if (name === "--version" || name === "-v") {
    const { createRequire } = await import("node:module");
    const pkg = createRequire(import.meta.url)("../package.json") as { version: string };
    io.stdout.write(`${pkg.version}\n`);
    return ExitCode.Pass;
  }
  try {
    const command = COMMANDS[name] ?? (await pluginCommand(name));
    if (!command) {
      io.stderr.write(`shipgate: unknown command "${name}"\n\n${await usage()}`);
      return ExitCode.Usage;
    }
    const module = await command.load();
    return await module.default(rest, io);
  } catch (error) {
    const { exitCode, message, hint, details } = describeError(error);
    io.stderr.write(`shipgate: ${message}\n`);
    for (const detail of details) io.stderr.write(`  ${detail}\n`);
    if (hint !== undefined) io.stderr.write(`  ${hint}\n`);
    return exitCode;
  }
}
