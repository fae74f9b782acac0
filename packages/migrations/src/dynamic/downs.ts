/**
 * The release's down migrations, newest first. The chain must restore the catalog the release started from; when it
 * does not, the release is replayed with a snapshot before each up (see verify.ts), and the first down that does not
 * bring back the catalog its own up started from is the one named.
 */
import { downSql, type MigrationSource } from "../lint.js";
import { messages } from "../messages.js";
import type { ParsedSql } from "../sql/parse.js";
import { applyMigration } from "./apply.js";
import type { Bookkeeping } from "./bookkeeping.js";
import { diffCatalog, snapshotCatalog } from "./catalog.js";
import type { Database } from "./database.js";
import type { VerifyFinding } from "./verify.js";

export interface DownStep {
  source: MigrationSource;
  down: ParsedSql;
}

export interface RollBack {
  /** Downs that ran (and, with snapshots, restored the catalog their up started from). */
  verified: number;
  /** The first down that failed, or did not restore its snapshot; null when none did. */
  problem: VerifyFinding | null;
}

/** The release's parsed downs, in order, or why they cannot be checked (the static rules report missing or empty ones). */
export function planDowns(added: readonly MigrationSource[]): DownStep[] | { skipped: string } {
  if (added.every((source) => !source.migration.hasDowns)) return { skipped: messages.downsNoneInLayout };
  const steps: DownStep[] = [];
  for (const source of added) {
    const down = source.migration.hasDowns && !source.migration.repeatable ? downSql(source) : null;
    if (down === null || down.error !== null || down.statements.length === 0) return { skipped: messages.downsMissing(source.migration.name) };
    steps.push({ source, down });
  }
  return steps;
}

/** Runs the downs newest first; with `before` (the catalog before each step's up), compares the catalog after each. */
export async function rollBack(db: Database, steps: readonly DownStep[], bookkeeping: Bookkeeping, before: readonly string[][] | null): Promise<RollBack> {
  let verified = 0;
  for (let index = steps.length - 1; index >= 0; index--) {
    const { source, down } = steps[index] as DownStep;
    const path = source.migration.down ?? source.migration.up;
    const failure = await applyMigration(db, source, down, bookkeeping, "down");
    if (failure) {
      const message = messages.downFailed(path, failure.line, failure.error);
      return { verified, problem: { rule: "down-failed", severity: "error", path, line: failure.line, message, fix: messages.downMismatchFix } };
    }
    const expected = before?.[index];
    if (expected !== undefined) {
      const { missing, extra } = diffCatalog(expected, await snapshotCatalog(db));
      if (missing.length > 0 || extra.length > 0) {
        const message = messages.downMismatch(source.migration.name, differences(missing, extra));
        const line = down.statements[0]?.line ?? 1;
        return { verified, problem: { rule: "down-mismatch", severity: "error", path, line, message, fix: messages.downMismatchFix } };
      }
    }
    verified++;
  }
  return { verified, problem: null };
}

/** The finding when the chain as a whole does not restore the catalog and no single down could be named. */
export function chainMismatch(steps: readonly DownStep[], before: readonly string[], after: readonly string[]): VerifyFinding {
  const { missing, extra } = diffCatalog(before, after);
  const last = steps[steps.length - 1]?.source.migration;
  return {
    rule: "down-mismatch",
    severity: "error",
    path: last?.down ?? last?.up ?? "",
    line: 1,
    message: messages.downChainMismatch(steps.map((s) => s.source.migration.name).join(", "), differences(missing, extra)),
    fix: messages.downMismatchFix,
  };
}

function differences(missing: readonly string[], extra: readonly string[]): string {
  const parts = [...missing.slice(0, 5).map((l) => `missing ${l}`), ...extra.slice(0, 5).map((l) => `left behind ${l}`)];
  const more = missing.length + extra.length - parts.length;
  return parts.join("; ") + (more > 0 ? `; and ${more} more` : "");
}
