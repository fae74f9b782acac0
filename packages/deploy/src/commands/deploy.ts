/** `shipgate deploy <tag> --env <name> [--allow-bad --reason R] [--json]`: deploy, verify, promote or put the last good back. */
import { parseCommandArgs, UsageError, type Command } from "@shipgate/core";
import { deployRelease, whoAmI } from "../actions.js";
import { messages } from "../messages.js";
import { openFrom, printRecord, progress, stopped, TARGET_OPTIONS, untilStopped } from "./common.js";

const USAGE = "shipgate deploy <tag> --env <name> [--allow-bad --reason <why>] [--json] [--config <file>]";

const deploy: Command = async (argv, io) => {
  const { values, positionals } = parseCommandArgs(
    argv,
    { env: { type: "string" }, "allow-bad": { type: "boolean" }, reason: { type: "string" }, json: { type: "boolean" }, ...TARGET_OPTIONS },
    USAGE,
  );
  const [tag, ...extra] = positionals;
  if (tag === undefined || extra.length > 0 || values.env === undefined)
    throw new UsageError("deploy needs one tag and --env <name>", { hint: `Usage: ${USAGE}` });
  const reason = values.reason?.trim() ?? "";
  if (values["allow-bad"] === true && reason === "") throw new UsageError(messages.reasonRequired("--allow-bad"), { hint: messages.reasonHint });
  const target = await openFrom(values, io);
  const who = await whoAmI(target.ledger, io.env);
  const { result: record, stoppedBy } = await untilStopped((signal) =>
    deployRelease(target, { env: values.env ?? "", tag, allowBad: values["allow-bad"] === true ? { reason } : undefined }, { who, log: progress(io), signal }),
  );
  if (stoppedBy !== null) return stopped(io, stoppedBy);
  printRecord(record, io, values.json === true);
  return record.exitCode ?? 3;
};

export default deploy;
