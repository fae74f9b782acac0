/** How a job becomes a run: its first record, and why a job must not deploy (frozen environment, release marked bad). */
import { hostname } from "node:os";
import { ledgerRefs, type LedgerEntry } from "@shipgate/core/ledger";
import { badMarker, reasonOf } from "./bad.js";
import type { DeployRecord, Job, Worker } from "./job.js";
import { messages } from "./messages.js";

/** Why an automatic job must not deploy: the environment is frozen, or the release is marked bad. */
export function skipReason(entries: Map<string, LedgerEntry>, job: Job): string | null {
  const refs = ledgerRefs(job.env);
  const frozen = entries.get(refs.frozen);
  if (frozen !== undefined) return messages.frozenSkip(job.env, reasonOf(frozen));
  if (job.allowBad !== undefined) return null;
  const bad = badMarker(entries, job.env, job.release);
  return bad === null ? null : messages.badSkip(job.release.tag, job.env, reasonOf(bad));
}

export function newRecord(job: Job, entries: Map<string, LedgerEntry>, state: "locked" | "skipped", reason: string | null = null): DeployRecord {
  const refs = ledgerRefs(job.env);
  const now = new Date().toISOString();
  const previous = pointer(entries.get(refs.current));
  const record: DeployRecord = {
    version: 1,
    id: job.id,
    env: job.env,
    kind: job.kind,
    release: job.release,
    trigger: job.trigger,
    who: job.who,
    queuedAt: job.queuedAt,
    previous,
    lastGood: pointer(entries.get(refs.good)),
    startedAt: now,
    state,
    steps: [
      { state: "queued", startedAt: job.queuedAt, endedAt: now, ok: true },
      { state, startedAt: now, ...(state === "skipped" ? { endedAt: now, ok: false, reason: reason ?? "" } : {}) },
    ],
    interruptions: [],
    timings: {},
    notifications: [],
    worker: self(),
  };
  if (job.allowBad !== undefined) record.allowBad = job.allowBad;
  if (job.kind === "rollback") record.restoreTarget = { tag: job.release.tag, sha: job.release.sha };
  if (reason !== null) record.reason = reason;
  return record;
}

/** How to get past a refusal of `shipgate deploy`: unfreeze first, or deploy the bad release deliberately. */
export function refusalHint(entries: Map<string, LedgerEntry>, job: Job): string {
  return entries.has(ledgerRefs(job.env).frozen) ? messages.unfreezeHint(job.env) : messages.allowBadHint(job.release.tag, job.env);
}

function pointer(entry: LedgerEntry | undefined): { tag: string; sha: string } | null {
  const tag = entry?.data["tag"];
  const sha = entry?.data["sha"];
  return typeof tag === "string" && typeof sha === "string" ? { tag, sha } : null;
}

export function self(): Worker {
  return { pid: process.pid, host: hostname() };
}
