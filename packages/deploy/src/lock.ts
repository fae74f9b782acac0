/**
 * One deploy per environment: the lock ref holds who deploys (owner, pid, host, process start, start time, lease).
 * It is taken, renewed and released only by compare-and-swap, so a process that did not get it can never remove it,
 * and a stale lock (its pid dead on this host, or its lease past) is taken over by swapping exactly the stale value.
 */
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { ledgerRefs, type Ledger } from "@shipgate/core/ledger";

export interface LockData {
  owner: string;
  /** What the holder does: `worker`, `deploy v3`, `rollback`. */
  purpose: string;
  pid: number;
  /** The process's start time in clock ticks since boot (Linux), so a reused pid is not mistaken for the holder. */
  pidStart: string | null;
  host: string;
  startedAt: string;
  leaseUntil: string;
}

export interface HeldLock {
  env: string;
  /** The lock ref's value while we hold it: the only value our renewal and release may swap. */
  oid: string;
  data: LockData;
  /** The stale lock this one replaced, and why it was stale. */
  takenOver?: { from: LockData; why: string };
}

export type LockAttempt = { ok: true; lock: HeldLock } | { ok: false; holder: LockData | null };

export interface LockRequest {
  owner: string;
  purpose: string;
  leaseSeconds: number;
  now?: () => Date;
}

export async function acquireLock(ledger: Ledger, env: string, request: LockRequest): Promise<LockAttempt> {
  const ref = ledgerRefs(env).lock;
  const now = request.now ?? (() => new Date());
  let holder: LockData | null = null;
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await ledger.entry(ref);
    holder = current === null ? null : asLockData(current.data);
    const why = current === null ? null : staleness(holder, now());
    if (current !== null && why === null) return { ok: false, holder };
    const data = lockData(request, now());
    const oid = await ledger.write(subject(env, data), data);
    if (await ledger.apply([{ ref, to: oid, from: current?.oid ?? null }])) {
      const lock: HeldLock = { env, oid, data };
      if (current !== null && why !== null && holder !== null) lock.takenOver = { from: holder, why };
      return { ok: true, lock };
    }
  }
  return { ok: false, holder };
}

/** Extends the lease; false when the lock is no longer ours (taken over), and then the holder must stop. */
export async function renewLock(ledger: Ledger, lock: HeldLock, leaseSeconds: number, now: Date = new Date()): Promise<boolean> {
  const data: LockData = { ...lock.data, leaseUntil: new Date(now.getTime() + leaseSeconds * 1000).toISOString() };
  const oid = await ledger.write(subject(lock.env, data), data);
  if (!(await ledger.apply([{ ref: ledgerRefs(lock.env).lock, to: oid, from: lock.oid }]))) return false;
  lock.oid = oid;
  lock.data = data;
  return true;
}

/** Removes the lock if it is still exactly ours; false (and nothing removed) otherwise. */
export function releaseLock(ledger: Ledger, lock: HeldLock): Promise<boolean> {
  return ledger.apply([{ ref: ledgerRefs(lock.env).lock, to: null, from: lock.oid }]);
}

/** Why a lock may be taken over, or null while its holder may still be working. */
export function staleness(holder: LockData | null, now: Date, host: string = hostname()): string | null {
  if (holder === null) return "the lock holds no readable owner";
  const lease = Date.parse(holder.leaseUntil);
  if (!Number.isFinite(lease) || lease <= now.getTime()) return `its lease ended at ${holder.leaseUntil}`;
  if (holder.host === host && !pidAlive(holder.pid, holder.pidStart)) return `its process ${holder.pid} on ${host} is gone`;
  return null;
}

/** Whether `pid` still runs and is the same process (same start time) that took the lock. */
export function pidAlive(pid: number, pidStart: string | null): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  if (pidStart === null) return true;
  const start = processStart(pid);
  return start === null || start === pidStart;
}

/** Field 22 of /proc/<pid>/stat (start time); null where there is no /proc. */
export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing parenthesis.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

function lockData(request: LockRequest, now: Date): LockData {
  return {
    owner: request.owner,
    purpose: request.purpose,
    pid: process.pid,
    pidStart: processStart(process.pid),
    host: hostname(),
    startedAt: now.toISOString(),
    leaseUntil: new Date(now.getTime() + request.leaseSeconds * 1000).toISOString(),
  };
}

function subject(env: string, data: LockData): string {
  return `shipgate: ${env} locked by ${data.owner} (${data.purpose}, pid ${data.pid} on ${data.host}) until ${data.leaseUntil}`;
}

export function asLockData(data: Record<string, unknown>): LockData | null {
  const { owner, purpose, pid, pidStart, host, startedAt, leaseUntil } = data;
  if (typeof owner !== "string" || typeof pid !== "number" || typeof host !== "string" || typeof leaseUntil !== "string") return null;
  return {
    owner,
    purpose: typeof purpose === "string" ? purpose : "",
    pid,
    pidStart: typeof pidStart === "string" ? pidStart : null,
    host,
    startedAt: typeof startedAt === "string" ? startedAt : "",
    leaseUntil,
  };
}
