/** `shipgate unfreeze --env <name> --reason R`: let automatic deploys run again once what froze it is fixed. */
import { parseCommandArgs, UsageError, type Command } from "@shipgate/core";
import { unfreeze as unfreezeEnvironment, whoAmI } from "../actions.js";
import { messages } from "../messages.js";
import { openFrom, TARGET_OPTIONS } from "./common.js";

const USAGE = 'shipgate unfreeze --env <name> --reason "<what was fixed>" [--config <file>]';

const unfreeze: Command = async (argv, io) => {
  const { values, positionals } = parseCommandArgs(argv, { env: { type: "string" }, reason: { type: "string" }, ...TARGET_OPTIONS }, USAGE);
  if (values.env === undefined || positionals.length > 0) throw new UsageError("unfreeze needs --env <name>", { hint: `Usage: ${USAGE}` });
  if ((values.reason?.trim() ?? "") === "") throw new UsageError(messages.reasonRequired("unfreeze"), { hint: messages.reasonHint });
  const target = await openFrom(values, io);
  const done = await unfreezeEnvironment(target, { env: values.env, reason: values.reason ?? "", who: await whoAmI(target.ledger, io.env) });
  io.stdout.write(done ? `shipgate: ${values.env} unfrozen; automatic deploys run again\n` : `shipgate: ${values.env} is not frozen; nothing to do\n`);
  return 0;
};

export default unfreeze;
