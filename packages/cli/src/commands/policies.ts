/** `shipgate policies`: every policy (built-in, then from other packages), where it runs, and what the current config sets. */
import { EXTERNAL_POLICIES, findConfigFile, loadConfig, openRepo, POLICIES } from "@shipgate/core";
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
  const width = Math.max(...[...POLICIES, ...EXTERNAL_POLICIES].map((p) => p.id.length));
  io.stdout.write(`config: ${file ?? "recommended preset (no .shipgate.yml found)"}\n`);
  for (const policy of POLICIES) {
    const severity = entries[policy.id]?.severity ?? "off";
    io.stdout.write(`  ${policy.id.padEnd(width)}  ${severity.padEnd(5)}  ${policy.summary}  [${policy.stages.join(", ")}]\n`);
  }
  for (const policy of EXTERNAL_POLICIES) {
    const severity = entries[policy.id]?.severity ?? "off";
    io.stdout.write(`  ${policy.id.padEnd(width)}  ${severity.padEnd(5)}  ${policy.summary}  [from ${policy.package}]\n`);
  }
  return 0;
};

export default policies;
