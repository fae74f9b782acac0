/** What `shipgate status` and `shipgate history` show: the ledger of one environment, and its deploy records. */
import { existsSync, readFileSync } from "node:fs";
import { decodeRefPart, ledgerRefs } from "@shipgate/core/ledger";
import type { Target } from "./actions.js";
import { liveLogPath } from "./audit.js";
import type { DeployRecord, State } from "./job.js";
import { asLockData, staleness, type LockData } from "./lock.js";
import { asJob } from "./queue.js";
import { findRecord, readRecords } from "./record.js";
import { messages } from "./messages.js";
import type { Release } from "./types.js";

export interface EnvironmentStatus {
  env: string;
  current: Release | null;
  good: Release | null;
  frozen: { reason: string; at: string; deploy: string } | null;
  /** The lock, and why it could be taken over (null while its holder may still work). */
  lock: (LockData & { stale: string | null }) | null;
  running: { id: string; kind: string; tag: string; sha: string; state: State; since: string } | null;
  queued: { id: string; tag: string; who: string; queuedAt: string } | null;
  bad: { key: string; tag: string; sha: string; reason: string; at: string }[];
}

export async function readStatus(target: Target, env: string): Promise<EnvironmentStatus> {
  const refs = ledgerRefs(env);
  const entries = await target.ledger.read(`${refs.base}/`);
  const data = (ref: string) => entries.get(ref)?.data;
  const text = (value: unknown) => (typeof value === "string" ? value : "");
  const release = (ref: string): Release | null => {
    const value = data(ref);
    return typeof value?.["tag"] === "string" && typeof value["sha"] === "string" ? { tag: value["tag"], sha: value["sha"] } : null;
  };
  const frozen = data(refs.frozen);
  const lockData = entries.has(refs.lock) ? asLockData(data(refs.lock) ?? {}) : null;
  const run = data(refs.run) as Partial<DeployRecord> | undefined;
  const job = entries.has(refs.queued) ? asJob(data(refs.queued) ?? {}) : null;
  return {
    env,
    current: release(refs.current),
    good: release(refs.good),
    frozen: frozen === undefined ? null : { reason: text(frozen["reason"]), at: text(frozen["at"]), deploy: text(frozen["deploy"]) },
    lock: lockData === null ? null : { ...lockData, stale: staleness(lockData, new Date()) },
    running:
      run?.id === undefined || run.release === undefined || run.state === undefined
        ? null
        : { id: run.id, kind: run.kind ?? "deploy", tag: run.release.tag, sha: run.release.sha, state: run.state, since: run.steps?.at(-1)?.startedAt ?? "" },
    queued: job === null ? null : { id: job.id, tag: job.release.tag, who: job.who, queuedAt: job.queuedAt },
    bad: [...entries.values()]
      .filter((entry) => entry.ref.startsWith(refs.badPrefix))
      .map((entry) => ({
        key: decodeRefPart(entry.ref.slice(refs.badPrefix.length)),
        tag: text(entry.data["tag"]),
        sha: text(entry.data["sha"]),
        reason: text(entry.data["reason"]),
        at: text(entry.data["at"]),
      })),
  };
}

export function formatStatus(status: EnvironmentStatus): string {
  const release = (value: Release | null) => (value === null ? "none" : `${value.tag} (${value.sha.slice(0, 12)})`);
  const lines = [`${status.env}`, `  current  ${release(status.current)}`, `  good     ${release(status.good)}`];
  if (status.frozen !== null) lines.push(`  FROZEN   since ${status.frozen.at}: ${status.frozen.reason}`);
  if (status.running !== null) lines.push(`  running  ${status.running.kind} ${status.running.tag}: ${status.running.state} since ${status.running.since}`);
  if (status.lock !== null) {
    const { owner, purpose, pid, host, leaseUntil, stale } = status.lock;
    lines.push(
      `  lock     ${owner} (${purpose}, pid ${pid} on ${host}) until ${leaseUntil}${stale === null ? "" : ` — stale: ${stale}; the next worker takes it over`}`,
    );
  }
  if (status.queued !== null) lines.push(`  queued   ${status.queued.tag} by ${status.queued.who} at ${status.queued.queuedAt}`);
  for (const bad of status.bad) lines.push(`  bad      ${bad.tag} (${bad.sha.slice(0, 12)}) since ${bad.at}: ${bad.reason}`);
  return `${lines.join("\n")}\n`;
}

export function formatHistory(records: readonly DeployRecord[]): string {
  if (records.length === 0) return "no deploys recorded\n";
  const ms = (value: number | undefined) => (value === undefined ? "" : `${(value / 1000).toFixed(1)}s`);
  const rows = records.map((record) => {
    const restore = record.timings.timeToRestoreMs === undefined ? "" : ` restored ${record.restoreTarget?.tag ?? ""} in ${ms(record.timings.timeToRestoreMs)}`;
    const detect = record.timings.detectionMs === undefined ? "" : ` detected in ${ms(record.timings.detectionMs)}`;
    return `${record.startedAt}  ${record.kind.padEnd(8)} ${record.release.tag.padEnd(12)} ${(record.verdict ?? record.state).padEnd(9)} exit ${record.exitCode ?? "?"}  ${record.trigger} by ${record.who}${detect}${restore}${record.reason === undefined ? "" : `\n    ${record.reason}`}`;
  });
  return `${rows.join("\n")}\n`;
}

export async function readHistory(target: Target, env: string): Promise<DeployRecord[]> {
  return readRecords(target.ledger, env);
}

/**
 * `status --follow`: prints the live log of each deploy that is queued or running, and its verdict once it ended,
 * until the environment is idle; returns the exit code of the last deploy it saw end (0 when none did).
 */
export async function follow(
  target: Target,
  env: string,
  print: (text: string) => void,
  options: { pollMs?: number; signal?: AbortSignal } = {},
): Promise<number> {
  const pollMs = options.pollMs ?? 500;
  const watched = new Map<string, { tag: string; sha: string; offset: number; announced: boolean }>();
  let exitCode = 0;
  for (;;) {
    const status = await readStatus(target, env);
    const active = new Set<string>();
    for (const job of [status.queued, status.running]) {
      if (job === null) continue;
      active.add(job.id);
      if (!watched.has(job.id))
        watched.set(job.id, { tag: job.tag, sha: status.running?.id === job.id ? status.running.sha : "", offset: 0, announced: false });
    }
    if (status.running !== null) {
      const job = watched.get(status.running.id);
      if (job !== undefined && !job.announced) {
        job.announced = true;
        job.sha = status.running.sha;
        print(messages.following(status.running.kind, status.running.tag, env, status.running.id));
      }
    }
    for (const [id, job] of watched) {
      job.offset = tail(target.gitDir, id, job.offset, print);
      if (active.has(id)) continue;
      watched.delete(id);
      const record = job.sha === "" ? await findRecordById(target, env, id) : await findRecord(target.ledger, job.sha, id);
      if (record === null) print(messages.followGone(job.tag, env));
      else {
        print(messages.followEnded(record));
        exitCode = record.exitCode ?? exitCode;
      }
    }
    if (watched.size === 0 || options.signal?.aborted === true) return exitCode;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** A job seen only while it waited (it ran between two looks): its record, found among the environment's. */
async function findRecordById(target: Target, env: string, id: string): Promise<DeployRecord | null> {
  return (await readRecords(target.ledger, env)).find((record) => record.id === id) ?? null;
}

/** Prints what the live log gained since `offset`; returns the new offset. */
function tail(gitDir: string, id: string, offset: number, print: (text: string) => void): number {
  const file = liveLogPath(gitDir, id);
  if (!existsSync(file)) return offset;
  const content = readFileSync(file);
  if (content.length > offset) print(content.subarray(offset).toString("utf8"));
  return content.length;
}
