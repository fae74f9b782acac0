/**
 * The engine's entry points: run the queued jobs of an environment (the worker), or one job now (`shipgate deploy`,
 * `shipgate rollback`). Either way: take the environment's lock, first finish or undo whatever a stopped worker left
 * in the run ref, then drive the job through the machine with the lock's lease renewed, and release the lock.
 */
import { ledgerRefs, type Ledger } from "@shipgate/core/ledger";
import { appendAudit, liveLog } from "./audit.js";
import { auditLogPath, environmentOf } from "./config.js";
import { isVerdict, type DeployRecord, type Job, type State } from "./job.js";
import { acquireLock, asLockData, releaseLock, renewLock, type HeldLock, type LockData } from "./lock.js";
import { drive, type MachineContext } from "./machine.js";
import { freezeChanges } from "./transitions.js";
import { newRecord, refusalHint, self, skipReason } from "./start.js";
import { DeployRefused, EnvironmentBusy } from "./errors.js";
import { messages } from "./messages.js";
import type { NotifyEvent, NotifyResult } from "./notify.js";
import { asJob } from "./queue.js";
import { LostOwnership, Run } from "./run.js";
import type { DeploySettings } from "./settings.js";
import { gateUnavailable, type GateFn, type Steps } from "./steps.js";

export interface EngineOptions {
  ledger: Ledger;
  gitDir: string;
  settings: DeploySettings;
  /** Where the settings came from, for messages. */
  configSource: string;
  /** The deployers and verifiers; loaded only once a job needs them. */
  steps: () => Promise<Steps>;
  /** The release gate for environments with `gate: true` (default: refuse, it is not available). */
  gate?: GateFn;
  /** Who takes the lock: `worker`, or the user running a command. */
  owner: string;
  signal?: AbortSignal;
  /** Progress lines, besides each deploy's live log. */
  log?: (line: string) => void;
  onState?: (state: State, record: DeployRecord) => void | Promise<void>;
  notify?: (url: string, event: NotifyEvent, text: string) => Promise<NotifyResult>;
}

/**
 * Runs every job waiting for `env` (a stopped worker's run first, then the queued slot) until none is left. Returns
 * the records of the jobs it finished; an empty list when another process holds the lock (that one re-checks the
 * queue after releasing it, so nothing waits unseen).
 */
export async function runQueued(options: EngineOptions, env: string): Promise<DeployRecord[]> {
  const done: DeployRecord[] = [];
  const steps = await options.steps(); // before taking anything: a worker that cannot deploy leaves the queue alone
  for (;;) {
    const lock = await lockFor(options, env, "worker");
    if (lock === null) return done;
    let lost = false;
    try {
      for (let run = await nextRun(options, env); run !== null; run = await nextRun(options, env)) {
        done.push(await withLease(options, steps, lock, run, () => (lost = true)));
      }
    } finally {
      if (!lost) await releaseLock(options.ledger, lock);
    }
    // A job queued after our last look but before the release found the lock taken and its worker gone: look again.
    if (lost || options.signal?.aborted === true || !(await hasWork(options.ledger, env))) return done;
  }
}

/** Runs `job` now, in this process: for `shipgate deploy` and `shipgate rollback`. Throws EnvironmentBusy when locked. */
export async function runNow(options: EngineOptions, job: Job): Promise<DeployRecord> {
  const lock = await lockFor(options, job.env, `${job.kind} ${job.release.tag}`);
  if (lock === null) throw new EnvironmentBusy(job.env, await readLock(options.ledger, job.env));
  let lost = false;
  try {
    // A run a stopped worker left goes first (it may freeze the environment); refusals need no deployer.
    const leftover = await resumable(options, job.env);
    if (leftover !== null) await withLease(options, await options.steps(), lock, leftover, () => (lost = true));
    const entries = await options.ledger.read(`${ledgerRefs(job.env).base}/`);
    const refusal = skipReason(entries, job);
    if (refusal !== null) throw new DeployRefused(refusal, refusalHint(entries, job));
    const steps = await options.steps();
    // A deploy asked for now replaces the job waiting in the queue, which would otherwise undo it right after.
    let waiting = entries.get(ledgerRefs(job.env).queued);
    let run: Run | null = null;
    for (let attempt = 0; run === null && attempt < 10; attempt++) {
      if (attempt > 0) waiting = (await options.ledger.read(`${ledgerRefs(job.env).base}/`)).get(ledgerRefs(job.env).queued);
      run = await Run.create(
        options.ledger,
        newRecord(job, entries, "locked"),
        waiting === undefined ? [] : [{ ref: waiting.ref, to: null, from: waiting.oid }],
      );
    }
    if (run === null) throw new LostOwnership(job.env);
    appendAudit(auditLog(options), { event: "started", env: job.env, deploy: job.id, tag: job.release.tag, trigger: job.trigger, who: job.who });
    const replaced = waiting === undefined ? null : asJob(waiting.data);
    if (replaced !== null) appendAudit(auditLog(options), { event: "superseded", env: job.env, deploy: replaced.id, tag: replaced.release.tag, by: job.id });
    return await withLease(options, steps, lock, run, () => (lost = true));
  } finally {
    if (!lost) await releaseLock(options.ledger, lock);
  }
}

/** Whether `env` has a job waiting or a run left by a stopped worker. */
export async function hasWork(ledger: Ledger, env: string): Promise<boolean> {
  const entries = await ledger.read(`${ledgerRefs(env).base}/`);
  const refs = ledgerRefs(env);
  return entries.has(refs.queued) || entries.has(refs.run);
}

async function lockFor(options: EngineOptions, env: string, purpose: string): Promise<HeldLock | null> {
  const attempt = await acquireLock(options.ledger, env, { owner: options.owner, purpose, leaseSeconds: options.settings.lockLease });
  if (!attempt.ok) return null;
  const { takenOver } = attempt.lock;
  if (takenOver !== undefined) {
    appendAudit(auditLog(options), { event: "lock-taken-over", env, from: takenOver.from, why: takenOver.why });
    options.log?.(messages.tookOver(env, takenOver.from, takenOver.why));
  }
  return attempt.lock;
}

async function readLock(ledger: Ledger, env: string): Promise<LockData | null> {
  const entry = await ledger.entry(ledgerRefs(env).lock);
  return entry === null ? null : asLockData(entry.data);
}

/** The next run to drive: a stopped worker's run, else the queued job taken out of its slot (atomically). */
async function nextRun(options: EngineOptions, env: string): Promise<Run | null> {
  const leftover = await resumable(options, env);
  if (leftover !== null) return leftover;
  for (let attempt = 0; attempt < 10; attempt++) {
    const entries = await options.ledger.read(`${ledgerRefs(env).base}/`);
    const queued = entries.get(ledgerRefs(env).queued);
    if (queued === undefined) return null;
    const job = asJob(queued.data);
    const take = { ref: queued.ref, to: null, from: queued.oid };
    if (job === null || job.env !== env) {
      await options.ledger.apply([take]); // unreadable: drop it rather than block the queue
      continue;
    }
    const skip = skipReason(entries, job);
    const run = await Run.create(options.ledger, newRecord(job, entries, skip === null ? "locked" : "skipped", skip), [take]);
    if (run === null) continue; // a push replaced the job meanwhile: take the newer one
    appendAudit(auditLog(options), {
      event: skip === null ? "started" : "skipped",
      env,
      deploy: job.id,
      tag: job.release.tag,
      trigger: job.trigger,
      who: job.who,
      ...(skip === null ? {} : { reason: skip }),
    });
    return run;
  }
  return null;
}

/** The run a stopped worker left, set to carry on from its persisted state (or to give up on it, see resumeAt). */
async function resumable(options: EngineOptions, env: string): Promise<Run | null> {
  const entry = await options.ledger.entry(ledgerRefs(env).run);
  if (entry === null) return null;
  const record = entry.data as unknown as DeployRecord;
  const run = Run.resume(options.ledger, record, entry.oid);
  if (isVerdict(record.state)) return run; // only the finishing (note, audit) is left
  const worker = self();
  const at = new Date().toISOString();
  const next = resumeAt(record);
  record.interruptions.push({ state: record.state, at, resumedBy: worker });
  appendAudit(auditLog(options), { event: "resumed", env, deploy: record.id, state: record.state, next: next.state, worker });
  options.log?.(messages.resuming(record, next.state));
  if (next.reason !== undefined) record.reason = next.reason;
  if (next.state === "failed") record.failure = next.reason ?? "";
  const changes = next.state === "frozen" ? await freezeChanges(options.ledger, record, next.reason ?? "") : [];
  await run.enter(next.state, changes, { ok: false, reason: messages.interrupted(record.state) });
  return run;
}

/**
 * Where a stopped job carries on. Each state may be resumed once (deploys and verifications are idempotent and run
 * again from the start); a job stopped twice in the same state gives up on it, the way that cannot loop: nothing
 * deployed yet → refused; the release deployed or verifying → failed (marked bad, last good restored); a restore →
 * frozen.
 */
export function resumeAt(record: DeployRecord): { state: State; reason?: string } {
  const state = record.state;
  const before = record.interruptions.filter((stop) => stop.state === state).length;
  if (before === 0) return { state };
  const reason = messages.stoppedTwice(state, record.release.tag);
  switch (state) {
    case "queued":
    case "locked":
    case "gate":
      return { state: "refused", reason };
    case "deploying":
    case "verifying":
      return { state: "failed", reason };
    default:
      return { state: "frozen", reason };
  }
}

/** Drives a run while renewing the lock's lease; if the lock is lost the run stops at once, untouched. */
async function withLease(options: EngineOptions, steps: Steps, lock: HeldLock, run: Run, onLost: () => void): Promise<DeployRecord> {
  const controller = new AbortController();
  const outer = options.signal;
  const stop = () => controller.abort(outer?.reason);
  outer?.addEventListener("abort", stop, { once: true });
  const every = Math.max(200, Math.min((options.settings.lockLease * 1000) / 3, 60_000));
  let renewing = Promise.resolve();
  const timer = setInterval(() => {
    renewing = renewing.then(async () => {
      const renewed = await renewLock(options.ledger, lock, options.settings.lockLease).catch(() => true);
      if (renewed || controller.signal.aborted) return;
      onLost();
      appendAudit(auditLog(options), { event: "lock-lost", env: lock.env, deploy: run.record.id, state: run.state });
      controller.abort(new LostOwnership(lock.env));
    });
  }, every);
  try {
    return await drive(machineContext(options, steps, run, controller.signal), run);
  } finally {
    clearInterval(timer);
    await renewing;
    outer?.removeEventListener("abort", stop);
  }
}

function machineContext(options: EngineOptions, steps: Steps, run: Run, signal: AbortSignal): MachineContext {
  const { record } = run;
  const live = liveLog(options.gitDir, record.id);
  const log = (line: string) => {
    live(line);
    options.log?.(line);
  };
  return {
    ledger: options.ledger,
    gitDir: options.gitDir,
    settings: options.settings,
    environment: environmentOf(options.settings, record.env, options.configSource),
    steps,
    gate: options.gate ?? gateUnavailable,
    auditLog: auditLog(options),
    signal,
    log,
    ...(options.onState ? { onState: options.onState } : {}),
    ...(options.notify ? { notify: options.notify } : {}),
  };
}

function auditLog(options: EngineOptions): string {
  return auditLogPath(options.settings, options.gitDir);
}
