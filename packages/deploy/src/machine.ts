/**
 * The deploy machine: one handler per state, each running one step and naming the next state. The engine persists
 * every state it enters (run.ts) together with the ledger changes that belong to it, so the refs and the record never
 * disagree, and a worker that stops anywhere leaves a state the next one resumes from.
 */
import { ledgerRefs, type Ledger, type RefChange } from "@shipgate/core/ledger";
import { appendAudit } from "./audit.js";
import { exitCodeOf, isVerdict, type DeployRecord, type State, type StepRecord, type Verdict } from "./job.js";
import { messages } from "./messages.js";
import { notifyWebhook, type NotifyEvent, type NotifyResult } from "./notify.js";
import { boundOutput, saveRecord } from "./record.js";
import type { Run } from "./run.js";
import type { DeploySettings, EnvironmentSettings } from "./settings.js";
import { freezeChanges, markBadChanges, pointerChange, promoteChanges, restoreTarget } from "./transitions.js";
import type { GateFn, Steps } from "./steps.js";
import type { DeployRequest, Release, StepOutcome } from "./types.js";

export interface MachineContext {
  ledger: Ledger;
  gitDir: string;
  settings: DeploySettings;
  environment: EnvironmentSettings;
  steps: Steps;
  gate: GateFn;
  auditLog: string;
  /** Aborted when the worker must stop (lock lost, SIGTERM): every child process tree is killed. */
  signal: AbortSignal;
  log: (line: string) => void;
  /** Called after each state is persisted (observers: tests, a CLI printing progress). */
  onState?: (state: State, record: DeployRecord) => void | Promise<void>;
  notify?: (url: string, event: NotifyEvent, text: string) => Promise<NotifyResult>;
}

interface Transition {
  state: State;
  changes?: RefChange[];
  /** How the current step ended. */
  result?: Partial<StepRecord>;
  /** Why the job ends this way (kept in the record). */
  reason?: string;
}

type Handler = (ctx: MachineContext, run: Run) => Promise<Transition>;

/** Drives `run` from its current state to a verdict, then finishes it (notify, note, audit, run ref removed). */
export async function drive(ctx: MachineContext, run: Run): Promise<DeployRecord> {
  await ctx.onState?.(run.state, run.record); // the state it starts from was persisted too
  while (!isVerdict(run.state)) {
    const handler = HANDLERS[run.state];
    const next = await handler(ctx, run);
    // Stopped (SIGTERM, lock lost): the outcome is the cancellation's, not the release's. Persist nothing; the next
    // worker resumes from the state persisted last.
    if (ctx.signal.aborted) throw ctx.signal.reason instanceof Error ? ctx.signal.reason : new Error(messages.stopped);
    if (next.reason !== undefined) run.record.reason = next.reason;
    if (next.state === "failed") run.record.failure = next.reason ?? "";
    await run.enter(next.state, next.changes ?? [], next.result ?? {});
    appendAudit(ctx.auditLog, { event: "state", env: run.record.env, deploy: run.record.id, state: next.state, tag: run.record.release.tag });
    ctx.log(messages.entered(run.record, next.state));
    await ctx.onState?.(next.state, run.record);
  }
  await finish(ctx, run);
  return run.record;
}

const HANDLERS: Record<Exclude<State, Verdict>, Handler> = {
  queued: async () => ({ state: "locked" }),
  locked: async (ctx, run) => {
    await announce(ctx, run, "start", messages.notifyStart(run.record));
    if (run.record.kind === "rollback") return enterRestoring(ctx, run, ok(messages.lockedFor(run.record)));
    const problem = await verifierProblem(ctx, run);
    if (problem !== null) return { state: "refused", result: { ok: false, reason: problem }, reason: messages.verifierBroken(run.record.release.tag, problem) };
    return ctx.environment.gate ? { state: "gate", result: ok(messages.lockedFor(run.record)) } : enterDeploying(ctx, run, ok(messages.lockedFor(run.record)));
  },
  gate: async (ctx, run) => {
    const { record } = run;
    const outcome = await guarded(() => ctx.gate({ env: record.env, gitDir: ctx.gitDir, from: record.lastGood, to: record.release, signal: ctx.signal }));
    if (!outcome.ok) return { state: "refused", result: fromOutcome(ctx, outcome), reason: messages.gateRefused(record.release.tag, outcome.reason) };
    return enterDeploying(ctx, run, fromOutcome(ctx, outcome));
  },
  deploying: async (ctx, run) => {
    const { record } = run;
    const deployer = ctx.steps.deployer(ctx.environment, { env: record.env, gitDir: ctx.gitDir });
    const outcome = await guarded(() => deployer.deploy(request(ctx, run, record.release, record.previous)));
    if (!outcome.ok) return { state: "failed", result: fromOutcome(ctx, outcome), reason: messages.deployFailed(record.release.tag, outcome.reason) };
    return { state: "verifying", result: fromOutcome(ctx, outcome) };
  },
  verifying: async (ctx, run) => {
    const { record } = run;
    const started = Date.parse(run.step.startedAt);
    const outcome = await guarded(() => ctx.steps.verify(ctx.environment, request(ctx, run, record.release, record.previous)));
    record.timings.verifyMs = Date.now() - started;
    const detectionMs = outcome.detectionMs === undefined ? undefined : Math.round(outcome.detectionMs);
    if (detectionMs !== undefined) record.timings.detectionMs = detectionMs;
    const result = { ...fromOutcome(ctx, outcome), probes: outcome.probes, ...(detectionMs !== undefined ? { detectionMs } : {}) };
    if (!outcome.ok) return { state: "failed", result, reason: messages.verifyFailed(record.release.tag, outcome.reason) };
    return { state: "promoted", result, changes: await promoteChanges(ctx.ledger, run.record), reason: messages.promoted(record.release.tag, record.env) };
  },
  failed: async () => ({ state: "marking-bad", result: { ok: false } }),
  "marking-bad": async (ctx, run) => {
    const { record } = run;
    const entries = await ctx.ledger.read(`${ledgerRefs(record.env).base}/`);
    const target = await restoreTarget(ctx.ledger, record, entries);
    record.restoreTarget = target;
    const changes = await markBadChanges(ctx.ledger, record, entries, target);
    const marked = ok(messages.markedBad(record.release.tag));
    if (target === null)
      return {
        state: "frozen",
        changes: [...changes, ...(await freezeChanges(ctx.ledger, record, messages.nothingToRestore(record.release.tag)))],
        result: marked,
      };
    return enterRestoring(ctx, run, marked, changes);
  },
  restoring: async (ctx, run) => {
    const { record } = run;
    const target = record.restoreTarget ?? null;
    if (target === null) return freeze(ctx, run, messages.nothingToRestore(record.release.tag));
    const failedAt = verdictTime(record);
    if (failedAt !== null) record.timings.verdictToRestoreMs = Date.parse(run.step.startedAt) - failedAt;
    const deployer = ctx.steps.deployer(ctx.environment, { env: record.env, gitDir: ctx.gitDir });
    const outcome = await guarded(() => deployer.restore(request(ctx, run, target, record.kind === "rollback" ? record.previous : record.release)));
    if (!outcome.ok) return freeze(ctx, run, messages.restoreFailed(target.tag, outcome.reason), fromOutcome(ctx, outcome));
    return { state: "verifying-restore", result: fromOutcome(ctx, outcome) };
  },
  "verifying-restore": async (ctx, run) => {
    const { record } = run;
    const target = record.restoreTarget ?? record.release;
    const outcome = await guarded(() => ctx.steps.verify(ctx.environment, request(ctx, run, target, record.release)));
    const result = { ...fromOutcome(ctx, outcome), probes: outcome.probes };
    if (!outcome.ok) return freeze(ctx, run, messages.restoreUnhealthy(target.tag, outcome.reason), result);
    const restoreStep = record.steps.findLast((step) => step.state === "restoring");
    const now = Date.now();
    if (restoreStep !== undefined) record.timings.restoreMs = now - Date.parse(restoreStep.startedAt);
    const failedAt = verdictTime(record);
    if (failedAt !== null) record.timings.timeToRestoreMs = now - failedAt;
    const changes = record.kind === "rollback" ? await pointerChange(ctx.ledger, record, "good", target) : [];
    return { state: "restored", result, changes, reason: messages.restored(record, target) };
  },
};

/** Gate passed (or none): `current` names the release from the moment the deployer starts changing what serves. */
async function enterDeploying(ctx: MachineContext, run: Run, result: Partial<StepRecord>): Promise<Transition> {
  return { state: "deploying", result, changes: await pointerChange(ctx.ledger, run.record, "current", run.record.release) };
}

async function enterRestoring(ctx: MachineContext, run: Run, result: Partial<StepRecord>, changes: RefChange[] = []): Promise<Transition> {
  const target = run.record.restoreTarget ?? null;
  if (target === null) return freeze(ctx, run, messages.nothingToRestore(run.record.release.tag), result);
  return { state: "restoring", result, changes: [...changes, ...(await pointerChange(ctx.ledger, run.record, "current", target))] };
}

async function freeze(ctx: MachineContext, run: Run, reason: string, result: Partial<StepRecord> = { ok: false }): Promise<Transition> {
  return { state: "frozen", result: { ok: false, ...result }, reason, changes: await freezeChanges(ctx.ledger, run.record, reason) };
}

/** When the failure verdict was reached: the start of the `failed` state. */
function verdictTime(record: DeployRecord): number | null {
  const failed = record.steps.findLast((step) => step.state === "failed");
  return failed === undefined ? null : Date.parse(failed.startedAt);
}

/** Verdict reached: notify, write the note, audit, remove the run ref. Safe to repeat after a crash. */
async function finish(ctx: MachineContext, run: Run): Promise<void> {
  const { record } = run;
  const verdict = record.state as Verdict;
  const step = run.step;
  if (step.endedAt === undefined) Object.assign(step, { endedAt: new Date().toISOString(), ok: verdict === "promoted" || verdict === "restored" });
  record.verdict = verdict;
  record.exitCode = exitCodeOf(verdict, record.kind);
  record.endedAt ??= new Date().toISOString();
  const event = EVENT_OF[verdict];
  if (event !== null) await announce(ctx, run, event, messages.notifyVerdict(record));
  await run.persist();
  await saveRecord(ctx.ledger, record);
  appendAudit(ctx.auditLog, {
    event: "finished",
    env: record.env,
    deploy: record.id,
    tag: record.release.tag,
    sha: record.release.sha,
    verdict,
    exitCode: record.exitCode,
    reason: record.reason ?? "",
    timings: record.timings,
  });
  await run.close();
}

const EVENT_OF: Record<Verdict, NotifyEvent | null> = { promoted: "promote", restored: "rollback", frozen: "freeze", refused: "refuse", skipped: null };

/** Sends one webhook event once per deploy (a resumed job does not repeat it); a failure is recorded, never thrown. */
async function announce(ctx: MachineContext, run: Run, event: NotifyEvent, text: string): Promise<void> {
  const url = ctx.environment.notify?.webhook;
  if (url === undefined || run.record.notifications.some((sent) => sent.event === event)) return;
  const result = await (ctx.notify ?? notifyWebhook)(url, event, text);
  run.record.notifications.push(result);
  if (!result.ok) appendAudit(ctx.auditLog, { event: "notify-failed", env: run.record.env, deploy: run.record.id, notify: event, detail: result.detail });
}

function request(ctx: MachineContext, run: Run, release: Release, previous: Release | null): DeployRequest {
  return {
    env: run.record.env,
    gitDir: ctx.gitDir,
    signal: ctx.signal,
    log: ctx.log,
    outputLimit: ctx.settings.outputLimit,
    release: { tag: release.tag, sha: release.sha },
    previous,
    lastGood: run.record.restoreTarget ?? run.record.lastGood,
  };
}

/** A verifier that would fail whatever the release does, asked before deploying; its own failure never blocks. */
async function verifierProblem(ctx: MachineContext, run: Run): Promise<string | null> {
  try {
    return (await ctx.steps.checkVerifiers?.(ctx.environment, request(ctx, run, run.record.release, run.record.previous))) ?? null;
  } catch {
    return null;
  }
}

function ok(reason: string): Partial<StepRecord> {
  return { ok: true, reason };
}

function fromOutcome(ctx: MachineContext, outcome: Pick<StepOutcome, "ok" | "reason" | "output">): Partial<StepRecord> {
  return { ok: outcome.ok, reason: outcome.reason, output: boundOutput(outcome.output, ctx.settings.outputLimit) };
}

/** A step that throws instead of reporting failed; the engine records why and carries on (restore, freeze). */
async function guarded<T extends { ok: boolean; reason: string; output: string }>(
  step: () => Promise<T>,
): Promise<T & { probes?: number; detectionMs?: number }> {
  try {
    return await step();
  } catch (error) {
    return { ok: false, reason: messages.stepThrew((error as Error).message), output: "", probes: 0 } as unknown as T;
  }
}
