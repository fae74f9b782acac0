/** The verifiers of an environment, run together under one window: the first failure decides and stops the rest. */
import type { VerifySettings } from "../settings.js";
import type { DeployRequest, Verifier, VerifyOutcome } from "../types.js";
import { OutputTail } from "../process.js";
import { createCommandVerifier } from "./command.js";
import { createHttpVerifier } from "./http.js";
import { verifierMessages as say } from "./messages.js";
import { checkQuery, createPrometheusVerifier } from "./prometheus.js";

export function createVerifiers(settings: VerifySettings): Verifier[] {
  return [...settings.http.map(createHttpVerifier), ...settings.commands.map(createCommandVerifier), ...settings.prometheus.map(createPrometheusVerifier)];
}

/** What makes a verification fail whatever the release does (a query Prometheus cannot parse), found before a deploy. */
export async function checkBeforeDeploy(settings: VerifySettings, request: DeployRequest): Promise<string | null> {
  const problems = await Promise.all(settings.prometheus.map((entry) => checkQuery(entry, request)));
  return problems.find((problem) => problem !== null) ?? null;
}

/**
 * Runs every verifier at once until `windowSeconds` from now. Passes when all pass; fails on the first failure, which
 * stops the others (their processes and requests are aborted, and awaited). Never rejects.
 */
export async function runVerification(verifiers: readonly Verifier[], request: DeployRequest, windowSeconds: number): Promise<VerifyOutcome> {
  const startedAt = new Date().toISOString();
  const deadline = Date.now() + windowSeconds * 1000;
  const stop = new AbortController();
  const onCancel = () => stop.abort();
  if (request.signal.aborted) stop.abort();
  else request.signal.addEventListener("abort", onCancel, { once: true });

  let firstFailure: number | null = null;
  let markFailed: () => void = () => undefined;
  const failed = new Promise<void>((resolve) => (markFailed = resolve));
  const runs = verifiers.map((verifier, i) =>
    verifier
      .verify({ ...request, signal: stop.signal, deadline })
      .catch((error: unknown) => crashed(error, startedAt))
      .then((outcome) => {
        if (!outcome.ok && firstFailure === null && !stop.signal.aborted) {
          firstFailure = i;
          markFailed();
        }
        return outcome;
      }),
  );
  // A verifier that ignores the deadline is not waited for past it (plus a moment to return its own verdict).
  let guard: NodeJS.Timeout | undefined;
  const overdue = new Promise<"overdue">((resolve) => (guard = setTimeout(() => resolve("overdue"), deadline - Date.now() + OVERDUE_GRACE_MS)));
  await Promise.race([failed, Promise.all(runs), overdue]);
  stop.abort();
  const outcomes = await Promise.race([Promise.all(runs), overdue]);
  clearTimeout(guard);
  request.signal.removeEventListener("abort", onCancel);
  return combine(verifiers, outcomes === "overdue" ? null : outcomes, firstFailure, request, startedAt);
}

function combine(
  verifiers: readonly Verifier[],
  outcomes: VerifyOutcome[] | null,
  firstFailure: number | null,
  request: DeployRequest,
  startedAt: string,
): VerifyOutcome {
  const output = new OutputTail(request.outputLimit);
  for (const [i, outcome] of (outcomes ?? []).entries())
    output.push(Buffer.from(`== ${verifiers[i]?.name ?? ""}\n${outcome.output.replace(/(?<=[^\n])$/, "\n")}`));
  const probes = (outcomes ?? []).reduce((sum, outcome) => sum + outcome.probes, 0);
  const base = { output: output.text(), startedAt, endedAt: new Date().toISOString(), probes };
  if (outcomes === null) return { ...base, ok: false, reason: say.windowClosed(probes, null) };
  if (request.signal.aborted && firstFailure === null) return { ...base, ok: false, reason: say.cancelled };
  const failed = firstFailure ?? outcomes.findIndex((outcome) => !outcome.ok);
  const failure = outcomes[failed];
  if (failure !== undefined) {
    const reason = say.named(verifiers[failed]?.name ?? "", failure.reason);
    return failure.detectionMs === undefined ? { ...base, ok: false, reason } : { ...base, ok: false, reason, detectionMs: failure.detectionMs };
  }
  if (verifiers.length === 0) return { ...base, ok: true, reason: say.nothingToVerify };
  return { ...base, ok: true, reason: say.allPassed(outcomes.map((outcome, i) => say.named(verifiers[i]?.name ?? "", outcome.reason))) };
}

function crashed(error: unknown, startedAt: string): VerifyOutcome {
  const why = error instanceof Error ? error.message : String(error);
  return { ok: false, reason: say.crashed(why), output: "", startedAt, endedAt: new Date().toISOString(), probes: 0 };
}

const OVERDUE_GRACE_MS = 5000;

export { createCommandVerifier } from "./command.js";
export { createHttpVerifier } from "./http.js";
export { createPrometheusVerifier } from "./prometheus.js";
