/** `shipgate run <hook>`: what the husky hooks call. Prints the report on stderr, as git hooks should. */
import { colourEnabled, formatReport, UsageError } from "@shipgate/core";
import { runCommitMsgHook, runPreCommit, runPrePush, runUndoFixes, messages, type HookContext, type HookOutcome } from "@shipgate/client";
import type { Command, Io } from "../io.js";
import { parse } from "../args.js";
import { importPlugin } from "../plugins.js";

const USAGE = "shipgate run pre-commit | commit-msg <message-file> | pre-push <remote> <url> | undo-fixes [--config FILE] [--format text|json]";

const run: Command = async (argv, io) => {
  const { values, positionals } = parse(
    argv,
    {
      config: { type: "string", placeholder: "FILE", description: "the config file (default: .shipgate.yml at the repository root)" },
      format: { type: "string", default: "text", placeholder: "text|json", description: "how to print the report (on stderr, as hooks do)" },
      verbose: { type: "boolean", description: "also list the policies that did not run, and why" },
    },
    USAGE,
  );
  const [hook, ...args] = positionals;
  const ctx: HookContext = {
    cwd: io.cwd,
    env: io.env,
    log: (line) => io.stderr.write(`${line}\n`),
    // Until this process exits and git goes on to commit, a Ctrl-C still undoes applied fixes.
    armUndo: (undo) => {
      const late = () => {
        undo();
        process.exit(130);
      };
      process.once("SIGINT", late);
      process.once("SIGTERM", late);
    },
    importPlugin,
    ...(values.config ? { configFile: values.config } : {}),
  };
  let outcome: HookOutcome;
  switch (hook) {
    case "pre-commit":
      outcome = await runPreCommit(ctx);
      break;
    case "commit-msg":
      if (args[0] === undefined) throw new UsageError("commit-msg needs the message file", { hint: `Usage: ${USAGE}` });
      outcome = await runCommitMsgHook(ctx, args[0]);
      break;
    case "undo-fixes":
      outcome = await runUndoFixes(ctx);
      break;
    case "pre-push":
      outcome = await runPrePush(ctx, args[0] ?? "", await readAll(io));
      break;
    default:
      throw new UsageError(messages.unknownHook(hook ?? ""), { hint: messages.unknownHookHint });
  }
  if (outcome.report) {
    io.stderr.write(formatReport(outcome.report, values.format, { colour: colourEnabled(io.stderr, io.env), ...(values.verbose ? { verbose: true } : {}) }));
  }
  for (const line of outcome.after ?? []) io.stderr.write(`${line}\n`);
  return outcome.exitCode;
};

async function readAll(io: Io): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}

export default run;
