/** The `command` verifier: a smoke test that passes when it exits with the expected code within the window. */
import { describeCommand, releaseEnv, runCommand } from "../process.js";
import type { CommandVerifierSettings } from "../settings.js";
import type { Verifier, VerifyOutcome } from "../types.js";
import { verifierMessages as say } from "./messages.js";
import type { VerifyRequest } from "./timing.js";

export function createCommandVerifier(settings: CommandVerifierSettings): Verifier {
  return { name: `command ${describeCommand(settings.command)}`, verify: (request) => runSmokeTest(settings, request) };
}

async function runSmokeTest(settings: CommandVerifierSettings, request: VerifyRequest): Promise<VerifyOutcome> {
  const timeoutMs = settings.timeout * 1000;
  const windowLeft = request.deadline - Date.now();
  const result = await runCommand(settings.command, {
    cwd: settings.cwd ?? process.cwd(),
    env: releaseEnv(request),
    timeoutMs: Math.max(0, Math.min(timeoutMs, windowLeft)),
    signal: request.signal,
    outputLimit: request.outputLimit,
    okExitCodes: [settings.exitCode],
  });
  const base = { ok: result.ok, output: result.output, startedAt: result.startedAt, endedAt: result.endedAt, probes: 1 };
  if (result.ok) return { ...base, reason: say.commandPassed(settings.exitCode) };
  let reason: string;
  if (result.cancelled) reason = say.stopped;
  else if (result.timedOut && windowLeft < timeoutMs) reason = say.windowClosed(1, result.reason);
  else if (result.exitCode !== null) reason = say.commandFailed(result.exitCode, settings.exitCode);
  else reason = say.crashed(result.reason);
  return { ...base, reason, detectionMs: result.durationMs };
}
