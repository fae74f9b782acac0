/** `shipgate baseline [<rev>] --reason ...`: show or move the adoption point (history before it is never judged). */
import { baseline as readOrMove, messages } from "@shipgate/client";
import type { Command } from "../io.js";
import { parse } from "../args.js";

const USAGE = 'shipgate baseline [<rev> --reason "why"]';

const baseline: Command = async (argv, io) => {
  const { values, positionals } = parse(argv, { reason: { type: "string" } }, USAGE);
  const result = await readOrMove(io.cwd, io.env, positionals[0], values.reason);
  if (result.baseline === null) {
    io.stdout.write(`shipgate: no baseline in ${result.configFile}: every commit is judged (set one with ${USAGE})\n`);
    return 0;
  }
  io.stdout.write(`shipgate: ${messages.baselineRecorded(result.baseline.commit, result.covered)}\n`);
  if (result.baseline.reason !== undefined) io.stdout.write(`  reason: ${result.baseline.reason}\n`);
  if (positionals[0] !== undefined && result.previous !== null && result.previous.commit !== result.baseline.commit)
    io.stdout.write(`  moved from ${result.previous.commit.slice(0, 12)}; commit ${result.configFile} so every clone and CI use it\n`);
  return 0;
};

export default baseline;
