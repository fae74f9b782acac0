/**
 * The `prometheus` verifier: an instant PromQL query evaluated every interval through the window (like an Argo Rollouts
 * AnalysisTemplate), its one number judged by failIf / successIf, until enough consecutive results pass or fail it.
 */
import { OutputTail } from "../process.js";
import type { PrometheusVerifierSettings } from "../settings.js";
import type { DeployRequest, Verifier, VerifyOutcome } from "../types.js";
import { queryPrometheus, type Answer } from "./prometheus-api.js";
import { describeCondition, fillTemplate, holds, parseCondition, type Condition } from "./promql.js";
import { prometheusMessages as said, verifierMessages as say } from "./messages.js";
import { sleepUntil, type VerifyRequest } from "./timing.js";

export function createPrometheusVerifier(settings: PrometheusVerifierSettings): Verifier {
  const name = settings.name ?? (settings.query.length > 60 ? `${settings.query.slice(0, 59)}…` : settings.query);
  return { name: `prometheus ${name}`, verify: (request) => evaluateUntilVerdict(settings, request) };
}

/** Longest wait for the query's check before a deploy: a Prometheus that is slow now is the verification's to judge. */
const CHECK_TIMEOUT_MS = 5000;

/**
 * Asks the query once before anything is deployed: one that Prometheus cannot parse, or that gives no instant vector,
 * would fail every verification and mark a good release bad. The problem, or null (also when Prometheus does not
 * answer now: the verification decides then, as configured).
 */
export async function checkQuery(settings: PrometheusVerifierSettings, request: DeployRequest): Promise<string | null> {
  const query = fillTemplate(settings.query, { tag: request.release.tag, sha: request.release.sha, env: request.env });
  const answer = await queryPrometheus(settings.url, query, { timeoutMs: Math.min(settings.timeout * 1000, CHECK_TIMEOUT_MS), signal: request.signal });
  return answer?.kind === "error" && answer.badQuery === true ? `${createPrometheusVerifier(settings).name}: ${answer.why}` : null;
}

/** What one evaluation counts as: toward passing, toward failing, toward giving up on Prometheus, or nothing (waiting). */
type Verdict = "good" | "bad" | "error" | "wait" | "fatal";

interface Judged {
  verdict: Verdict;
  /** How the log and a failure quote it (`0.5 {} (> 0.05: bad)`, `Prometheus refused the connection ...`). */
  result: string;
}

async function evaluateUntilVerdict(settings: PrometheusVerifierSettings, request: VerifyRequest): Promise<VerifyOutcome> {
  const startedAt = new Date();
  const start = performance.now();
  const log = new OutputTail(request.outputLimit);
  const judge = judgeWith(settings);
  const query = fillTemplate(settings.query, { tag: request.release.tag, sha: request.release.sha, env: request.env });
  log.push(Buffer.from(`${said.query(query)}\n`));
  const streak = { good: 0, bad: 0, error: 0 };
  let queries = 0;
  let badSince: number | null = null;
  let last: Judged | null = null;
  let sawData = false;
  const verdict = (ok: boolean, reason: string): VerifyOutcome => {
    const outcome: VerifyOutcome = { ok, reason, output: log.text(), startedAt: startedAt.toISOString(), endedAt: new Date().toISOString(), probes: queries };
    return !ok && badSince !== null ? { ...outcome, detectionMs: performance.now() - badSince } : outcome;
  };
  const windowClosed = () => (queries > 0 && !sawData && last?.verdict === "wait" ? said.neverData(queries) : say.windowClosed(queries, last?.result ?? null));

  for (let n = 0; ; n++) {
    // Queries start on a fixed schedule: a slow one delays the next, never the ones after it.
    const waited = await sleepUntil(start + (settings.initialDelay + n * settings.interval) * 1000, request);
    if (waited !== "due") return verdict(false, waited === "deadline" ? windowClosed() : say.stopped);
    const queryStart = performance.now();
    const windowLeft = request.deadline - Date.now();
    const answer = await queryPrometheus(settings.url, query, {
      timeoutMs: Math.max(1, Math.min(settings.timeout * 1000, windowLeft)),
      signal: request.signal,
    });
    // A query cut short by the window (not by its own timeout) has no result to count.
    if (answer === null || (answer.kind === "error" && !answer.fatal && windowLeft < settings.timeout * 1000 && Date.now() >= request.deadline))
      return verdict(false, request.signal.aborted ? say.stopped : windowClosed());
    queries++;
    const judged = judge(answer);
    last = judged;
    sawData ||= answer.kind === "value";
    log.push(Buffer.from(`${say.probe(queries, queryStart - start, judged.result, performance.now() - queryStart)}\n`));
    if (judged.verdict === "fatal") return verdict(false, judged.result);
    if (judged.verdict === "wait") continue;
    const counted = judged.verdict;
    // Detection runs from the first bad result of the streak that fails the check (an error or a good result ends it).
    badSince = counted === "bad" ? (badSince ?? queryStart) : null;
    for (const key of ["good", "bad", "error"] as const) streak[key] = key === counted ? streak[key] + 1 : 0;
    if (streak.good >= settings.successes) return verdict(true, said.passed(streak.good, queries));
    if (streak.bad >= settings.failureLimit) return verdict(false, said.failed(streak.bad, judged.result));
    if (streak.error >= settings.errorLimit) return verdict(false, said.errored(streak.error, judged.result));
  }
}

/** Turns an answer into a verdict by the settings' condition and onEmpty. */
function judgeWith(settings: PrometheusVerifierSettings): (answer: Answer) => Judged {
  // The schema checked that exactly one condition is set and that it parses.
  const failIf = settings.failIf === undefined ? null : parseCondition(settings.failIf);
  const successIf = settings.successIf === undefined ? null : parseCondition(settings.successIf);
  const label = failIf !== null ? `failIf ${describeCondition(failIf)}` : `successIf ${describeCondition(successIf as Condition)}`;
  return (answer) => {
    if (answer.kind === "error") return { verdict: answer.fatal ? "fatal" : "error", result: answer.why };
    if (answer.kind === "empty") {
      const result = said.empty(answer.why, settings.onEmpty);
      return { verdict: settings.onEmpty === "fail" ? "bad" : settings.onEmpty === "pass" ? "good" : "wait", result };
    }
    const good = failIf !== null ? !holds(failIf, answer.value) : successIf !== null && holds(successIf, answer.value);
    const verdict = good ? "good" : "bad";
    return { verdict, result: said.result(answer.value, answer.labels, verdict, label) };
  };
}
