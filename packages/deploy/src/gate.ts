/**
 * The release gate before a deploy (`gate: true`): @shipgate/migrations' `runGate` from the last good release to the
 * candidate, with the config file the deploy settings came from (the trusted one on a server). Loaded only when an
 * environment asks for it; without @shipgate/migrations installed the release is refused, never deployed unchecked.
 */
import type * as Migrations from "@shipgate/migrations";
import type { GateFn } from "./steps.js";
import { messages } from "./messages.js";

export function migrationsGate(configFile: string): GateFn {
  return async (input) => {
    let migrations: typeof Migrations;
    try {
      migrations = await import("@shipgate/migrations");
    } catch (error) {
      return { ok: false, reason: messages.gateNeedsMigrations((error as Error).message), output: "" };
    }
    const core = await import("@shipgate/core");
    const lines: string[] = [];
    try {
      const repo = await core.openRepo(input.gitDir, core.scrubGitEnv(process.env));
      const { config, plugins } = await core.loadConfigWithPlugins(configFile, (specifier) => import(specifier));
      const { report } = await migrations.runGate({
        repo,
        config,
        plugins,
        // A first deploy has no last good release: the gate then compares against the previous release tag, if any.
        from: input.from?.sha ?? "auto",
        to: input.to.sha,
        log: (line) => lines.push(line),
      });
      const errors = report.findings.filter((finding) => finding.severity === "error");
      const output = [...lines, core.formatReport(report, "text", { colour: false })].join("\n");
      if (report.exitCode === core.ExitCode.Pass) return { ok: true, reason: messages.gatePassed(report.findings.length), output };
      // Exit 2: nothing refused the release, but the gate could not judge it here (an old schema it cannot rebuild).
      const unjudged = errors.find((finding) => finding.inconclusive === true);
      if (report.exitCode !== core.ExitCode.Blocked && unjudged !== undefined)
        return { ok: false, reason: messages.gateInconclusive(unjudged.message), output };
      return { ok: false, reason: messages.gateFindings(errors.length), output };
    } catch (error) {
      const { message, hint } = core.describeError(error);
      return { ok: false, reason: messages.gateFailed(message), output: [...lines, message, hint ?? ""].join("\n") };
    }
  };
}
