/** `shipgate status --env <name> [--follow] [--json]`: what serves, what is good, bad, frozen, locked, running, queued. */
import { parseCommandArgs, UsageError, type Command } from "@shipgate/core";
import { environmentOf } from "../config.js";
import { follow, formatStatus, readStatus } from "../status.js";
import { openFrom, TARGET_OPTIONS } from "./common.js";

const USAGE = "shipgate status --env <name> [--follow] [--json] [--config <file>]";

const status: Command = async (argv, io) => {
  const { values, positionals } = parseCommandArgs(
    argv,
    { env: { type: "string" }, follow: { type: "boolean" }, json: { type: "boolean" }, ...TARGET_OPTIONS },
    USAGE,
  );
  if (values.env === undefined || positionals.length > 0) throw new UsageError("status needs --env <name>", { hint: `Usage: ${USAGE}` });
  const target = await openFrom(values, io);
  environmentOf(target.settings, values.env, target.configSource);
  if (values.follow === true) return follow(target, values.env, (text) => io.stdout.write(text));
  const current = await readStatus(target, values.env);
  io.stdout.write(values.json === true ? `${JSON.stringify(current, null, 2)}\n` : formatStatus(current));
  return 0;
};

export default status;
