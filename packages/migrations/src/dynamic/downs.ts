/**
 * The release's down migrations, newest first: each must bring the catalog back to the snapshot taken just before its
 * up ran, so a chain that does not restore the schema names the migration whose down falls short.
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
  /** The catalog just before the up ran. */
  before: string[];
}

/** The parsed downs of the release, or why they cannot be checked (the static rules report missing or empty downs). */
export function planDowns(added: readonly MigrationSource[]): { downs: Map<MigrationSource, ParsedSql> } | { skipped: string } {
  if (added.every((source) => !source.migration.hasDowns)) return { skipped: messages.downsNoneInLayout };
  const downs = new Map<MigrationSource, ParsedSql>();
  for (const source of added) {
    const parsed = source.migration.hasDowns && !source.migration.repeatable ? downSql(source) : null;
    if (parsed === null || parsed.error !== null || parsed.statements.length === 0) return { skipped: messages.downsMissing(source.migration.name) };
    downs.set(source, parsed);
  }
  return { downs };
}

/** Rolls the release back step by step; stops at the first down that fails or does not restore its snapshot. */
export async function checkDowns(db: Database, steps: readonly DownStep[], bookkeeping: Bookkeeping, findings: VerifyFinding[]): Promise<number> {
  let verified = 0;
  for (const { source, down, before } of [...steps].reverse()) {
    const path = source.migration.down ?? source.migration.up;
    const failure = await applyMigration(db, source, down, bookkeeping, "down");
    if (failure) {
      findings.push({
        rule: "down-failed",
        severity: "error",
        path,
        line: failure.line,
        message: messages.downFailed(path, failure.line, failure.error),
        fix: messages.downMismatchFix,
      });
      return verified;
    }
    const { missing, extra } = diffCatalog(before, await snapshotCatalog(db));
    if (missing.length > 0 || extra.length > 0) {
      findings.push({
        rule: "down-mismatch",
        severity: "error",
        path,
        line: down.statements[0]?.line ?? 1,
        message: messages.downMismatch(source.migration.name, differences(missing, extra)),
        fix: messages.downMismatchFix,
      });
      return verified;
    }
    verified++;
  }
  return verified;
}

function differences(missing: readonly string[], extra: readonly string[]): string {
  const parts = [...missing.slice(0, 5).map((l) => `missing ${l}`), ...extra.slice(0, 5).map((l) => `left behind ${l}`)];
  const more = missing.length + extra.length - parts.length;
  return parts.join("; ") + (more > 0 ? `; and ${more} more` : "");
}
