/** The `command` deployer: the user's idempotent script does the work, told what to deploy through SHIPGATE_* variables. */
import { releaseEnv, runCommand } from "../process.js";
import type { CommandDeployerSettings } from "../settings.js";
import type { DeployRequest, Deployer, StepOutcome } from "../types.js";
import { deployerMessages as say } from "./messages.js";

export function createCommandDeployer(settings: CommandDeployerSettings): Deployer {
  return {
    deploy: (request) => runScript(settings, request, "deploy"),
    // Restoring is deploying the release that served before again: the script is idempotent, SHIPGATE_ACTION tells it.
    restore: (request) => runScript(settings, request, "restore"),
  };
}

async function runScript(settings: CommandDeployerSettings, request: DeployRequest, action: "deploy" | "restore"): Promise<StepOutcome> {
  const result = await runCommand(settings.command, {
    cwd: settings.cwd ?? process.cwd(),
    env: { ...releaseEnv(request), SHIPGATE_ACTION: action },
    timeoutMs: settings.timeout * 1000,
    signal: request.signal,
    outputLimit: request.outputLimit,
  });
  const reason = result.ok ? say.ranCommand(request.release, result.reason) : say.commandFailed(request.release, result.reason);
  return { ok: result.ok, reason, output: result.output, startedAt: result.startedAt, endedAt: result.endedAt };
}
