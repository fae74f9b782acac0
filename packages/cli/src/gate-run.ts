/** What `shipgate gate` and `shipgate migrations verify|lint` share: load the config and its plugins, run the gate, print. */
import { colourEnabled, findConfigFile, formatReport, importModule, loadConfigWithPlugins, openRepo } from "@shipgate/core";
import type * as Migrations from "@shipgate/migrations";
import type { GateOptions } from "@shipgate/migrations";
import type { Io } from "./io.js";
import { importPlugin } from "./plugins.js";

export interface GateRun {
  /** `gate` or `migrations`: the prefix of progress lines. */
  name: string;
  config: string | undefined;
  format: string;
  verbose?: boolean | undefined;
  /** What the command line chose: range, database, environment, dynamic, only. */
  gate: Omit<GateOptions, "repo" | "config" | "plugins" | "log">;
}

export async function runGateCommand(io: Io, run: GateRun): Promise<number> {
  const { runGate } = await importModule<typeof Migrations>("@shipgate/migrations", import.meta.url);
  const repo = await openRepo(io.cwd, io.env);
  const { config, plugins } = await loadConfigWithPlugins(run.config ?? (repo.topLevel ? findConfigFile(repo.topLevel) : null), importPlugin);
  const { report } = await runGate({ ...run.gate, repo, config, plugins, log: (line) => io.stderr.write(`shipgate ${run.name}: ${line}\n`) });
  io.stdout.write(formatReport(report, run.format, { colour: colourEnabled(io.stdout, io.env), ...(run.verbose === true ? { verbose: true } : {}) }));
  return report.exitCode;
}
