/** A deploy job, the named states of the deploy machine, and the record each deploy leaves behind. */
import { ExitCode } from "@shipgate/core/errors";
import type { Release } from "./types.js";

/** A release and the ref it came from (`refs/tags/v3`, `refs/heads/main`). */
export interface JobRelease extends Release {
  ref: string;
}

export type JobKind = "deploy" | "rollback";
export type JobTrigger = "push" | "cli" | "rollback";

export interface Job {
  /** Unique per deploy: `<env>-<UTC time>-<random>`. */
  id: string;
  env: string;
  kind: JobKind;
  release: JobRelease;
  trigger: JobTrigger;
  who: string;
  queuedAt: string;
  /** A deliberate deploy of a release marked bad, and why. */
  allowBad?: { reason: string };
}

/**
 * The machine: `queued → locked → gate → deploying → verifying → promoted | failed → marking-bad → restoring →
 * verifying-restore → restored | frozen`, then unlocked. `refused` (the gate said no) and `skipped` (frozen
 * environment, bad release) end a job that deployed nothing. Each state is persisted in the run ref when entered.
 */
export const STATES = [
  "queued",
  "locked",
  "gate",
  "deploying",
  "verifying",
  "promoted",
  "refused",
  "skipped",
  "failed",
  "marking-bad",
  "restoring",
  "verifying-restore",
  "restored",
  "frozen",
] as const;
export type State = (typeof STATES)[number];

export type Verdict = "promoted" | "refused" | "skipped" | "restored" | "frozen";

const VERDICTS: ReadonlySet<State> = new Set<State>(["promoted", "refused", "skipped", "restored", "frozen"]);

export function isVerdict(state: State): state is Verdict {
  return VERDICTS.has(state);
}

/** The exit code of a finished job: a manual rollback that restored what it was asked to restore succeeded. */
export function exitCodeOf(verdict: Verdict, kind: JobKind): ExitCode {
  switch (verdict) {
    case "promoted":
      return ExitCode.Pass;
    case "restored":
      return kind === "rollback" ? ExitCode.Pass : ExitCode.DeployRolledBack;
    case "frozen":
      return ExitCode.DeployFrozen;
    case "refused":
    case "skipped":
      return ExitCode.Blocked;
  }
}

export interface StepRecord {
  state: State;
  startedAt: string;
  endedAt?: string;
  ok?: boolean;
  reason?: string;
  /** Bounded captured output. */
  output?: string;
  probes?: number;
  detectionMs?: number;
}

export interface Worker {
  pid: number;
  host: string;
}

/** A job as it ran: the job's fields, then what happened. */
export interface DeployRecord extends Job {
  version: 1;
  /** What served before (the environment's current pointer when the job started). */
  previous: Release | null;
  /** The last release that passed verification when the job started. */
  lastGood: Release | null;
  /** The release put back after a failure (the newest good one that is not this release and not marked bad). */
  restoreTarget?: Release | null;
  startedAt: string;
  endedAt?: string;
  state: State;
  verdict?: Verdict;
  exitCode?: number;
  /** One sentence: why the job ended the way it did. */
  reason?: string;
  /** Why the release failed (its deploy or verification), when it did. */
  failure?: string;
  steps: StepRecord[];
  /** Workers that stopped (killed, crashed) while this job was in `state`, and who carried on. */
  interruptions: { state: State; at: string; resumedBy: Worker }[];
  timings: Timings;
  notifications: { event: string; ok: boolean; detail: string; at: string }[];
  worker: Worker;
}

export interface Timings {
  /** Verification of the release, from its start to the verdict. */
  verifyMs?: number;
  /** From the first failing probe to the failure verdict. */
  detectionMs?: number;
  /** From the failure verdict to the start of the last good release's redeploy. */
  verdictToRestoreMs?: number;
  /** From the start of the redeploy to the last good release passing verification again. */
  restoreMs?: number;
  /** From the failure verdict to the last good release passing verification again (recovery time). */
  timeToRestoreMs?: number;
}

/** The key of a release's bad marker: the tag, or for a branch release the commit (the branch moves on). */
export function badKey(release: { tag: string; sha: string; ref?: string }): string {
  return release.ref?.startsWith("refs/heads/") === true ? release.sha : release.tag;
}

export function newJobId(env: string, now: Date = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `${env}-${stamp}-${Math.random().toString(36).slice(2, 8)}`;
}
