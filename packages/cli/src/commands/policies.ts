/** `shipgate policies`: every policy of core and of every installed package, where it runs, and what the config sets. */
import {
  findConfigFile,
  KNOWN_PACKAGES,
  loadConfigWithPlugins,
  loadPlugins,
  messages,
  openRepo,
  POLICIES,
  resolveFromProject,
  type AnyPolicy,
} from "@shipgate/core";
import type { Command } from "../io.js";
import { parse } from "../args.js";
import { importPlugin } from "../plugins.js";

const USAGE = "shipgate policies [--config FILE]";

const policies: Command = async (argv, io) => {
  const { values } = parse(
    argv,
    { config: { type: "string", placeholder: "FILE", description: "the config file (default: .shipgate.yml at the repository root)" } },
    USAGE,
  );
  const repo = await openRepo(io.cwd, io.env).catch(() => null);
  const file = values.config ?? (repo?.topLevel ? findConfigFile(repo.topLevel) : null);
  // Tools (eslint, prettier) are the repository's own: installed or not where its files are.
  const toolsFrom = repo?.topLevel ?? io.cwd;
  const installed = await loadPlugins(
    KNOWN_PACKAGES.map((known) => known.package),
    importPlugin,
  );
  const { config } = await loadConfigWithPlugins(file, importPlugin, installed);
  const rows: { policy: AnyPolicy; from: string | null }[] = [
    ...POLICIES.map((policy) => ({ policy, from: null })),
    ...installed.flatMap((plugin) => (plugin.policies ?? []).map((policy) => ({ policy, from: plugin.package }))),
  ];
  const missing = KNOWN_PACKAGES.filter((known) => !installed.some((plugin) => plugin.package === known.package));
  const width = Math.max(...rows.map((row) => row.policy.id.length), ...missing.flatMap((known) => known.policies.map((id) => id.length)));
  io.stdout.write(`config: ${file ?? "recommended preset (no .shipgate.yml found)"}\n`);
  for (const { policy, from } of rows) {
    const severity = config.policies[policy.id]?.severity ?? "off";
    const absent = severity !== "off" && policy.tool !== undefined && resolveFromProject(policy.tool, toolsFrom) === null;
    const summary = absent ? messages.toolMissingShort(policy.tool ?? "") : policy.summary;
    io.stdout.write(
      `  ${policy.id.padEnd(width)}  ${severity.padEnd(5)}  ${summary}  [${policy.stages.join(", ")}]${from === null ? "" : ` (from ${from})`}\n`,
    );
  }
  for (const known of missing)
    for (const id of known.policies) io.stdout.write(`  ${id.padEnd(width)}  ${"-".padEnd(5)}  not installed: npm install --save-dev ${known.package}\n`);
  return 0;
};

export default policies;
