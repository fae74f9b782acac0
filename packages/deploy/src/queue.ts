/**
 * The queue: one slot per environment, the `queued` ref. A newer job replaces the one waiting there (supersede), never
 * the one running (that one lives in the `run` ref). Both are swapped by compare-and-swap, so two pushes at once
 * leave exactly one job and each of them knows whether it replaced the other.
 */
import { ledgerRefs, type Ledger, type LedgerEntry } from "@shipgate/core/ledger";
import type { Job } from "./job.js";

export interface Enqueued {
  job: Job;
  /** The job that was waiting and is now replaced by this one. */
  superseded: Job | null;
}

/** Puts `job` in its environment's slot; `waiting` is the slot as last read (saves a read on the push's path). */
export async function enqueue(ledger: Ledger, job: Job, waiting?: LedgerEntry | null): Promise<Enqueued> {
  const ref = ledgerRefs(job.env).queued;
  const oid = await ledger.write(`shipgate: ${job.release.tag} queued for ${job.env}`, job, [job.release.sha]);
  let current = waiting === undefined ? await ledger.entry(ref) : waiting;
  for (let attempt = 0; attempt < 10; attempt++) {
    if (await ledger.apply([{ ref, to: oid, from: current?.oid ?? null }])) return { job, superseded: current === null ? null : asJob(current.data) };
    current = await ledger.entry(ref);
  }
  throw new Error(`the queue of ${job.env} kept changing while ${job.release.tag} was queued`);
}

/** A job as stored in the ledger, or null when the data is not one. */
export function asJob(data: Record<string, unknown>): Job | null {
  const { id, env, kind, release, trigger, who, queuedAt } = data;
  if (typeof id !== "string" || typeof env !== "string" || (kind !== "deploy" && kind !== "rollback")) return null;
  if (release === null || typeof release !== "object") return null;
  const { tag, sha, ref } = release as Record<string, unknown>;
  if (typeof tag !== "string" || typeof sha !== "string" || typeof ref !== "string") return null;
  const job: Job = {
    id,
    env,
    kind,
    release: { tag, sha, ref },
    trigger: trigger === "cli" || trigger === "rollback" ? trigger : "push",
    who: typeof who === "string" ? who : "unknown",
    queuedAt: typeof queuedAt === "string" ? queuedAt : "",
  };
  const allowBad = data["allowBad"] as { reason?: unknown } | undefined;
  if (typeof allowBad?.reason === "string") job.allowBad = { reason: allowBad.reason };
  return job;
}
