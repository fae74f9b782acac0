/** `shipgate policies`: every built-in policy, where it runs, and what the current config sets. */
import { findConfigFile, loadConfig, openRepo, POLICIES } from "@shipgate/core";
import type { Command } from "../io.js";
import { parse } from "../args.js";

const USAGE = "shipgate policies [--config FILE]";

const policies: Command = async (argv, io) => {
  const { values } = parse(argv, { config: { type: "string" } }, USAGE);
  let file = values.config ?? null;
  if (file === null) {
    const repo = await openRepo(io.cwd, io.env).catch(() => null);
    file = repo?.topLevel ? findConfigFile(repo.topLevel) : null;
  }
  const { config } = loadConfig(file);
  const entries = config.policies as Record<string, { severity?: string } | undefined>;
  const width = Math.max(...POLICIES.map((p) => p.id.length));
  io.stdout.write(`config: ${file ?? "recommended preset (no .shipgate.yml found)"}\n`);
  for (const policy of POLICIES) {
    const severity = entries[policy.id]?.severity ?? "off";
    io.stdout.write(`  ${policy.id.padEnd(width)}  ${severity.padEnd(5)}  ${policy.summary}  [${policy.stages.join(", ")}]\n`);
  }
  return 0;
};

export default policies;
