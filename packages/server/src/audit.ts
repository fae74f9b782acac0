/**
 * The append-only JSON Lines audit log: one entry per push the hook decided, bypasses and failures included. An entry
 * records what the pre-receive hook said (shipgate's verdict, then the chained hook's); git makes the final ref update
 * after it, and may still reject a ref (a lock held, a ref changed meanwhile), so "accepted" is not "updated".
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { messages } from "./messages.js";

/** `refused-by-chained`: shipgate accepted (or bypassed, or failed open) and the chained hook then refused. */
export type Verdict = "accepted" | "refused" | "bypassed" | "error-refused" | "error-accepted" | "refused-by-chained";

export interface AuditEntry {
  time: string;
  repo: string;
  user: string | null;
  verdict: Verdict;
  refs: { ref: string; old: string; new: string }[];
  /** How many refs the push updated (refs is capped). */
  refCount: number;
  commits: number;
  findings: { policy: string; severity: string; ref?: string; commit?: string; path?: string; line?: number; message: string }[];
  /** How many findings there were (findings is capped). */
  findingCount: number;
  pushOptions: string[];
  bypass?: { reason: string; granted: boolean };
  /** The hook shipgate replaced, run after it accepted: its path and exit code (null when a signal ended it). */
  chained?: { hook: string; exitCode: number | null };
  error?: string;
  durationMs: number;
}

/** Most refs and findings written per entry; the counts say how many there were. */
const CAP = 200;

export function auditPath(configured: string, gitDir: string): string {
  return isAbsolute(configured) ? configured : resolve(gitDir, configured);
}

/** Appends one line with a single write (O_APPEND), so concurrent pushes never interleave inside an entry. */
export function writeAudit(file: string, entry: AuditEntry): void {
  mkdirSync(dirname(file), { recursive: true });
  const capped: AuditEntry = { ...entry, refs: entry.refs.slice(0, CAP), findings: entry.findings.slice(0, CAP) };
  appendFileSync(file, JSON.stringify(capped) + "\n", { flag: "a", mode: 0o640 });
}

/** Writes the entry; a log that cannot be written is a warning for the pusher, and false for a caller that needs it. */
export function recordAudit(file: string, entry: AuditEntry, say: (line: string) => void): boolean {
  try {
    writeAudit(file, entry);
    return true;
  } catch (error) {
    say(messages.auditFailed((error as Error).message));
    return false;
  }
}
