/** What the dynamic check did, for every report: as data (JSON `details.dynamic`) and as one line (the text report's note). */
import { messages } from "../messages.js";

export type DynamicSummary = DynamicSkipped | DynamicRun;

export interface DynamicSkipped {
  status: "skipped";
  reason: string;
}

export interface DynamicRun {
  /** `inconclusive`: the check could not judge the release here (the previous schema or an extension); `reason` says which. */
  status: "ran" | "inconclusive";
  reason?: string;
  /** `PGlite 0.5.16 (PostgreSQL 18.6)` or `PostgreSQL 17.2 at host:port`. */
  engine: string;
  /** The bundled extensions loaded into PGlite (empty on a server, which has its own). */
  extensions: string[];
  /** Migrations of the previous release applied to build its schema. */
  previous: number;
  /** How many of them came from the cache: a copy of their schema (all), or of an older release's (a prefix); 0: built. */
  cached: number;
  /** Migrations the release adds, and how many of them applied. */
  added: number;
  applied: number;
  /** The previous release's declared queries: all, those that prepare on its schema, those that still do after the release. */
  queries: { declared: number; prepared: number; stillPrepare: number };
  /** Down migrations that restored the schema their up started from, of those the release has; why they were not checked. */
  downs: { verified: number; total: number; skipped?: string };
}

export function skipped(reason: string): DynamicSkipped {
  return { status: "skipped", reason };
}

/** The text report's line. */
export function describeDynamic(summary: DynamicSummary): string {
  if (summary.status === "skipped") return messages.dynamicSkipped(summary.reason);
  if (summary.status === "inconclusive") return messages.dynamicInconclusive(summary.engine, summary.reason ?? "");
  const previous =
    summary.cached === 0
      ? messages.builtPrevious(summary.previous)
      : summary.cached === summary.previous
        ? messages.copiedPrevious(summary.previous)
        : messages.builtPreviousOnCopy(summary.previous, summary.cached);
  const done = [previous, messages.appliedNew(summary.applied, summary.added)];
  const { declared, stillPrepare } = summary.queries;
  done.push(declared === 0 ? messages.noQueries : messages.queriesStillPrepare(stillPrepare, declared));
  const { downs } = summary;
  done.push(downs.skipped !== undefined ? messages.downsSkipped(downs.skipped) : messages.downsVerified(downs.verified, downs.total));
  return messages.dynamicRan(summary.engine, summary.extensions, done);
}
