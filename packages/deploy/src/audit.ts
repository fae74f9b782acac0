/** The append-only JSON Lines audit log of deploys, and the live progress log of each deploy (`status --follow`). */
import { appendFileSync, closeSync, fsyncSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";

export type AuditEvent =
  | "queued"
  | "superseded"
  | "not-queued"
  | "started"
  | "resumed"
  | "state"
  | "finished"
  | "skipped"
  | "lock-taken-over"
  | "lock-lost"
  | "unfrozen"
  | "notify-failed";

export interface AuditEntry {
  at: string;
  event: AuditEvent;
  env: string;
  /** The deploy (job) id, when the event belongs to one. */
  deploy?: string;
  [field: string]: unknown;
}

/** Appends one line and syncs it: the log is evidence, it must survive the crash it may have to explain. */
export function appendAudit(file: string, entry: Omit<AuditEntry, "at"> & { at?: string }): void {
  mkdirSync(dirname(file), { recursive: true });
  const fd = openSync(file, "a", 0o640);
  try {
    writeSync(fd, `${JSON.stringify({ at: new Date().toISOString(), ...entry })}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Where shipgate keeps its deploy files inside a git dir. */
export function stateDir(gitDir: string): string {
  return join(gitDir, "shipgate");
}

/** The progress lines of one deploy, for `shipgate status --follow`. */
export function liveLogPath(gitDir: string, deployId: string): string {
  return join(stateDir(gitDir), "logs", `${deployId}.log`);
}

/** The detached worker's stdout and stderr. */
export function workerLogPath(gitDir: string): string {
  return join(stateDir(gitDir), "worker.log");
}

/** A line-writer for a deploy's live log; never throws (progress is not worth failing a deploy over). */
export function liveLog(gitDir: string, deployId: string): (line: string) => void {
  const file = liveLogPath(gitDir, deployId);
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch {
    // reported by the first write
  }
  return (line) => {
    try {
      appendFileSync(file, `${new Date().toISOString()} ${line}\n`);
    } catch {
      // the record keeps what matters
    }
  };
}
