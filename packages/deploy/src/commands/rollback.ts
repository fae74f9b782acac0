/** `shipgate rollback --env <name> [--to <tag>] [--json]`: put back the last good release before the current one. */
import { parseCommandArgs, UsageError, type Command } from "@shipgate/core";
import { rollbackRelease, whoAmI } from "../actions.js";
import { openFrom, printRecord, progress, stopped, TARGET_OPTIONS, untilStopped } from "./common.js";

const USAGE = "shipgate rollback --env <name> [--to <tag>] [--json] [--config <file>]";

const rollback: Command = async (argv, io) => {
  const { values, positionals } = parseCommandArgs(
    argv,
    { env: { type: "string" }, to: { type: "string" }, json: { type: "boolean" }, ...TARGET_OPTIONS },
    USAGE,
  );
  if (values.env === undefined || positionals.length > 0)
    throw new UsageError("rollback needs --env <name> (and optionally --to <tag>)", { hint: `Usage: ${USAGE}` });
  const target = await openFrom(values, io);
  const who = await whoAmI(target.ledger, io.env);
  const { result: record, stoppedBy } = await untilStopped((signal) =>
    rollbackRelease(target, { env: values.env ?? "", to: values.to }, { who, log: progress(io), signal }),
  );
  if (stoppedBy !== null) return stopped(io, stoppedBy);
  printRecord(record, io, values.json === true);
  return record.exitCode ?? 3;
};

export default rollback;
