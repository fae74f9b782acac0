/** `shipgate history --env <name> [--json]`: every deploy of the environment, newest first, from the git notes. */
import { parseCommandArgs, UsageError, type Command } from "@shipgate/core";
import { environmentOf } from "../config.js";
import { formatHistory, readHistory } from "../status.js";
import { openFrom, TARGET_OPTIONS } from "./common.js";

const USAGE = "shipgate history --env <name> [--json] [--config <file>]";

const history: Command = async (argv, io) => {
  const { values, positionals } = parseCommandArgs(argv, { env: { type: "string" }, json: { type: "boolean" }, ...TARGET_OPTIONS }, USAGE);
  if (values.env === undefined || positionals.length > 0) throw new UsageError("history needs --env <name>", { hint: `Usage: ${USAGE}` });
  const target = await openFrom(values, io);
  environmentOf(target.settings, values.env, target.configSource);
  const records = await readHistory(target, values.env);
  io.stdout.write(values.json === true ? `${JSON.stringify(records, null, 2)}\n` : formatHistory(records));
  return 0;
};

export default history;
