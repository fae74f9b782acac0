/**
 * A deploy in progress: its record, persisted in the environment's run ref at every state it enters. Every write is a
 * compare-and-swap on the value this process wrote last, so a worker that lost its lock (and whose job another worker
 * resumed) can never write again: its next transition fails and it stops.
 */
import { ledgerRefs, type Ledger, type RefChange } from "@shipgate/core/ledger";
import type { DeployRecord, State, StepRecord } from "./job.js";

/** This process no longer owns the deploy: another worker took over its lock or its run. */
export class LostOwnership extends Error {
  constructor(env: string) {
    super(`another worker took over the deploy of ${env}`);
  }
}

export class Run {
  private constructor(
    private readonly ledger: Ledger,
    readonly record: DeployRecord,
    /** The run ref's value as this process last wrote (or read) it. */
    private oid: string,
  ) {}

  /** Starts a run: creates the run ref (it must not exist) together with `changes` (e.g. taking the queued job). */
  static async create(ledger: Ledger, record: DeployRecord, changes: readonly RefChange[] = []): Promise<Run | null> {
    const oid = await ledger.write(summary(record), record, [record.release.sha]);
    if (!(await ledger.apply([{ ref: ledgerRefs(record.env).run, to: oid, from: null }, ...changes]))) return null;
    return new Run(ledger, record, oid);
  }

  /** A run found in the ledger (left by a worker that stopped), to be resumed. */
  static resume(ledger: Ledger, record: DeployRecord, oid: string): Run {
    return new Run(ledger, record, oid);
  }

  get state(): State {
    return this.record.state;
  }

  /** The step of the current state (the last one). */
  get step(): StepRecord {
    const step = this.record.steps.at(-1);
    if (step === undefined) throw new Error("a run always has a step");
    return step;
  }

  /** Ends the current step with `result`, enters `state` and persists both with `changes`, all or nothing. */
  async enter(state: State, changes: readonly RefChange[] = [], result: Partial<StepRecord> = {}): Promise<void> {
    const now = new Date().toISOString();
    const step = this.record.steps.at(-1);
    if (step !== undefined && step.endedAt === undefined) Object.assign(step, { endedAt: now, ...result });
    this.record.state = state;
    this.record.steps.push({ state, startedAt: now });
    await this.persist(changes);
  }

  /** Writes the record as it is now (with `changes`); throws LostOwnership when the run ref moved under us. */
  async persist(changes: readonly RefChange[] = []): Promise<void> {
    const ref = ledgerRefs(this.record.env).run;
    const oid = await this.ledger.write(summary(this.record), this.record, [this.record.release.sha]);
    if (!(await this.ledger.apply([{ ref, to: oid, from: this.oid }, ...changes]))) throw new LostOwnership(this.record.env);
    this.oid = oid;
  }

  /** Removes the run ref once the record is safely in the notes. */
  async close(): Promise<void> {
    if (!(await this.ledger.apply([{ ref: ledgerRefs(this.record.env).run, to: null, from: this.oid }]))) throw new LostOwnership(this.record.env);
  }
}

function summary(record: DeployRecord): string {
  return `shipgate: ${record.env} ${record.kind} ${record.release.tag}: ${record.state}`;
}
