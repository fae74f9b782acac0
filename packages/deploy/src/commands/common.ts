/** What the deploy commands share: the repository and settings they act on, and how a finished deploy is printed. */
import type { CommandIo } from "@shipgate/core";
import { openTarget, type Target } from "../actions.js";
import type { DeployRecord } from "../job.js";

/** `--config` and `--git-dir` of every deploy command. */
export const TARGET_OPTIONS = { config: { type: "string" }, "git-dir": { type: "string" } } as const;

export function openFrom(values: { config?: string | undefined; "git-dir"?: string | undefined }, io: CommandIo): Promise<Target> {
  return openTarget({ cwd: io.cwd, env: io.env, config: values.config, gitDir: values["git-dir"] });
}

/** The verdict of a finished deploy: JSON, or one paragraph for a human. */
export function printRecord(record: DeployRecord, io: CommandIo, json: boolean): void {
  if (json) {
    io.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
    return;
  }
  const { timings } = record;
  const lines = [`shipgate: ${record.release.tag} in ${record.env}: ${record.verdict ?? record.state} (exit ${record.exitCode ?? "?"})`];
  if (record.reason !== undefined) lines.push(`  ${record.reason}`);
  if (timings.detectionMs !== undefined) lines.push(`  failure detected in ${timings.detectionMs}ms`);
  if (timings.timeToRestoreMs !== undefined)
    lines.push(`  ${record.restoreTarget?.tag ?? "last good"} serving again ${timings.timeToRestoreMs}ms after the verdict`);
  lines.push(`  record: git notes --ref shipgate show ${record.release.sha.slice(0, 12)} (deploy ${record.id})`);
  io.stdout.write(`${lines.join("\n")}\n`);
}

/** Progress lines go to stderr, so stdout stays the result (and valid JSON with --json). */
export function progress(io: CommandIo): (line: string) => void {
  return (line) => io.stderr.write(`${line}\n`);
}

/**
 * Runs `work` with an AbortSignal that SIGINT and SIGTERM abort: the running step's process group is killed and its
 * state stays in the ledger for the next worker to finish or undo; never an orphaned build left running. Stopped, it
 * resolves with the signal (whatever `work` threw on its way out) and no result.
 */
export async function untilStopped<T>(
  work: (signal: AbortSignal) => Promise<T>,
): Promise<{ result: T; stoppedBy: null } | { result: null; stoppedBy: NodeJS.Signals }> {
  const controller = new AbortController();
  let stoppedBy: NodeJS.Signals | null = null;
  const stop = (signal: NodeJS.Signals) => {
    stoppedBy = signal;
    controller.abort(new Error(`stopped by ${signal}`));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  try {
    const result = await work(controller.signal);
    return stoppedBy === null ? { result, stoppedBy } : { result: null, stoppedBy };
  } catch (error) {
    if (stoppedBy === null) throw error;
    return { result: null, stoppedBy };
  } finally {
    process.removeListener("SIGTERM", stop);
    process.removeListener("SIGINT", stop);
  }
}

/** Says how a stopped command left things, and gives the exit code a shell reports for the signal (128 + its number). */
export function stopped(io: CommandIo, signal: NodeJS.Signals): number {
  io.stderr.write(`shipgate: stopped by ${signal}; the step's processes were stopped, and the next worker finishes or undoes it\n`);
  return signal === "SIGINT" ? 130 : 143;
}
