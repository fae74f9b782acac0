/** `shipgate worker [--once]`: run the queued deploys (what the post-receive trigger starts, detached, with --once). */
import { hostname } from "node:os";
import { parseCommandArgs, UsageError, type Command } from "@shipgate/core";
import { runWorker } from "../worker.js";
import { openFrom, printRecord, progress, stopped, TARGET_OPTIONS, untilStopped } from "./common.js";

const USAGE = "shipgate worker [--once] [--git-dir <dir>] [--config <file>]";

const worker: Command = async (argv, io) => {
  const { values, positionals } = parseCommandArgs(argv, { once: { type: "boolean" }, ...TARGET_OPTIONS }, USAGE);
  if (positionals.length > 0) throw new UsageError("worker takes no arguments", { hint: `Usage: ${USAGE}` });
  const target = await openFrom(values, io);
  // SIGTERM/SIGINT stop the running step (its process tree is killed) and leave its state for the next worker.
  const { result: records, stoppedBy } = await untilStopped((signal) =>
    runWorker(target, { once: values.once === true, who: `${process.pid}@${hostname()}`, log: progress(io), signal }),
  );
  if (stoppedBy !== null) return stopped(io, stoppedBy);
  for (const record of records) printRecord(record, io, false);
  return 0;
};

export default worker;
