/**
 * The dynamic check, as named steps on one database: open it (PGlite with the bundled extensions the migrations ask
 * for, or a throw-away database on a server), build the previous release's schema as its migration tool would, prepare
 * the previous release's queries, apply the release while proving they still prepare, run the previous release's tests,
 * then roll the release back with its downs, each compared with the catalog its up started from.
 */
import { upSql, type MigrationSource } from "../lint.js";
import { messages } from "../messages.js";
import type { DeclaredQuery } from "../queries.js";
import { loadParser, type Statement } from "../sql/parse.js";
import { applyMigration, prepareQuery, transactionState, type ApplyFailure } from "./apply.js";
import { Bookkeeping } from "./bookkeeping.js";
import { snapshotCatalog } from "./catalog.js";
import { literal, openPglite, openServer, type Database } from "./database.js";
import { checkDowns, planDowns, type DownStep } from "./downs.js";
import { createdExtension, PGLITE_BUNDLED, pgliteExtensions, requestedExtensions } from "./extensions.js";
import type { DynamicRun } from "./summary.js";

export interface VerifyFinding {
  rule:
    "old-query-broken" | "old-query-invalid" | "apply-failed" | "down-mismatch" | "down-failed" | "old-tests-failed" | "previous-schema" | "missing-extension";
  severity: "error" | "warn";
  /** Absent for what no file of the release is to blame for (the previous schema, an extension the engine lacks). */
  path?: string;
  line?: number;
  message: string;
  fix: string;
  /** The check could not judge the release here: exit 2 unless something else blocks it. */
  inconclusive?: true;
}

export interface VerifyOptions {
  /** Migrations of the previous release, in order. */
  previous: readonly MigrationSource[];
  /** Migrations the release adds, in order. */
  added: readonly MigrationSource[];
  /** The previous release's declared queries. */
  queries: readonly DeclaredQuery[];
  /** A PostgreSQL server URL; PGlite when absent. */
  databaseUrl?: string | undefined;
  /** Runs the previous release's tests against the migrated database (see test-command.ts); null when none. */
  runOldTests?: ((databaseUrl: string) => Promise<{ code: number; output: string; command: string }>) | null;
  log?: (line: string) => void;
}

export interface VerifyResult {
  findings: VerifyFinding[];
  summary: DynamicRun;
}

/** Statement kinds after which an old query cannot start failing (creations and data changes). */
const HARMLESS = new Set([
  "CreateStmt",
  "IndexStmt",
  "InsertStmt",
  "UpdateStmt",
  "DeleteStmt",
  "VariableSetStmt",
  "CommentStmt",
  "GrantStmt",
  "CreateEnumStmt",
  "CreateSeqStmt",
  "CreateSchemaStmt",
  "CreateExtensionStmt",
]);

/** One run's state, passed from step to step. */
interface Check {
  db: Database;
  options: VerifyOptions;
  bookkeeping: Bookkeeping;
  /** Requested extensions PGlite does not bundle (on a server, pg_available_extensions answers when one fails). */
  notBundled: readonly string[];
  findings: VerifyFinding[];
  summary: DynamicRun;
  log: (line: string) => void;
}

export async function verifyRelease(options: VerifyOptions): Promise<VerifyResult> {
  await loadParser();
  const requested = requestedExtensions([...options.previous, ...options.added]);
  const pglite = options.databaseUrl ? null : await pgliteExtensions(requested);
  const db = options.databaseUrl ? await openServer(options.databaseUrl) : await openPglite(pglite?.modules);
  const summary: DynamicRun = {
    status: "ran",
    engine: db.engine,
    extensions: pglite?.loaded ?? [],
    previous: 0,
    added: options.added.length,
    applied: 0,
    queries: { declared: options.queries.length, prepared: 0, stillPrepare: 0 },
    downs: { verified: 0, total: 0, skipped: messages.downsNotReached },
  };
  const check: Check = {
    db,
    options,
    bookkeeping: new Bookkeeping([...options.previous, ...options.added]),
    notBundled: pglite?.missing ?? [],
    findings: [],
    summary,
    log: options.log ?? (() => undefined),
  };
  try {
    // A schema cache (keyed by the previous release's migrations and the engine) would replace this one step.
    if (!(await buildPreviousSchema(check))) return { findings: check.findings, summary };
    const live = await prepareOldQueries(check);
    const steps = await applyRelease(check, live);
    if (steps === null) return { findings: check.findings, summary };
    await runOldTests(check);
    if (Array.isArray(steps)) {
      summary.downs = { verified: await checkDowns(db, steps, check.bookkeeping, check.findings), total: steps.length };
    } else summary.downs = { verified: 0, total: 0, skipped: steps.skipped };
    return { findings: check.findings, summary };
  } finally {
    await db.close();
  }
}

/** The previous release's migrations with their tool's bookkeeping; false (and an inconclusive finding) when they fail here. */
async function buildPreviousSchema(check: Check): Promise<boolean> {
  const { db, bookkeeping, summary } = check;
  for (const sql of bookkeeping.create()) await db.exec(sql);
  for (const source of check.options.previous) {
    const failure = await applyMigration(db, source, upSql(source), bookkeeping, "up");
    if (failure) {
      const where = `${source.migration.up}:${failure.line}`;
      const extension = await unavailableExtension(check, failure);
      const needs = extension === null ? null : messages.needsExtension(where, extension, db.engine, db.embedded ? PGLITE_BUNDLED : null);
      inconclusive(check, {
        rule: "previous-schema",
        message: needs === null ? messages.previousSchemaFailed(where, failure.error, db.engine) : messages.previousSchemaExtension(needs),
        fix: extension === null ? messages.previousSchemaFix(db.embedded) : messages.extensionFix(extension, db.embedded),
        reason: messages.previousNotBuilt(where),
      });
      return false;
    }
    summary.previous++;
  }
  check.log(`applied ${summary.previous} migration(s) of the previous release on ${db.engine}`);
  return true;
}

/** The previous release's queries that prepare on its own schema (the others are reported, and not checked further). */
async function prepareOldQueries(check: Check): Promise<DeclaredQuery[]> {
  const live: DeclaredQuery[] = [];
  for (const query of check.options.queries) {
    const error = await prepareQuery(check.db, query);
    if (error === null) live.push(query);
    else
      check.findings.push({
        rule: "old-query-invalid",
        severity: "warn",
        path: query.path,
        line: query.line,
        message: messages.queryFailsBefore(query.name, `${query.path}:${query.line}`, error),
        fix: messages.queryFailsBeforeFix,
      });
  }
  check.summary.queries.prepared = live.length;
  check.summary.queries.stillPrepare = live.length;
  return live;
}

/**
 * Applies the release's migrations; after each statement that can break an old query, prepares the ones still working.
 * Returns the steps for the down check (with the catalog each up started from), why downs are not checked, or null
 * when a migration failed.
 */
async function applyRelease(check: Check, queries: readonly DeclaredQuery[]): Promise<DownStep[] | { skipped: string } | null> {
  const { db, summary } = check;
  const plan = planDowns(check.options.added);
  const steps: DownStep[] = [];
  let live = [...queries];
  for (const source of check.options.added) {
    const before = "downs" in plan ? await snapshotCatalog(db) : [];
    let inTransaction = false;
    const failure = await applyMigration(db, source, upSql(source), check.bookkeeping, "up", async (statement) => {
      inTransaction = transactionState(statement, inTransaction);
      if (inTransaction || HARMLESS.has(statement.kind) || live.length === 0) return;
      const broken = await brokenQueries(check, live, source, statement);
      live = live.filter((q) => !broken.includes(q));
    });
    if (failure) {
      await applyFailed(check, source, failure);
      return null;
    }
    summary.applied++;
    const down = "downs" in plan ? plan.downs.get(source) : undefined;
    if (down) steps.push({ source, down, before });
  }
  summary.queries.stillPrepare = live.length;
  check.log(`applied ${summary.applied} new migration(s); ${live.length} of ${summary.queries.prepared} old queries still prepare`);
  return "downs" in plan ? steps : plan;
}

/** Prepares each live query after `statement`; reports and returns those that no longer prepare. */
async function brokenQueries(check: Check, live: readonly DeclaredQuery[], source: MigrationSource, statement: Statement): Promise<DeclaredQuery[]> {
  const broken: DeclaredQuery[] = [];
  for (const query of live) {
    const error = await prepareQuery(check.db, query);
    if (error === null) continue;
    broken.push(query);
    const cause = `${source.migration.up}:${statement.line} \`${excerpt(statement.text)}\``;
    check.findings.push({
      rule: "old-query-broken",
      severity: "error",
      path: source.migration.up,
      line: statement.line,
      message: messages.queryBroken(query.name, `${query.path}:${query.line}`, error, cause),
      fix: messages.queryBrokenFix,
    });
  }
  return broken;
}

/** A release migration that fails: its own fault, unless it needs an extension this engine lacks (inconclusive). */
async function applyFailed(check: Check, source: MigrationSource, failure: ApplyFailure): Promise<void> {
  const path = source.migration.up;
  const extension = await unavailableExtension(check, failure);
  if (extension !== null) {
    const where = `${path}:${failure.line}`;
    inconclusive(check, {
      rule: "missing-extension",
      message: messages.releaseExtension(messages.needsExtension(where, extension, check.db.engine, check.db.embedded ? PGLITE_BUNDLED : null)),
      fix: messages.extensionFix(extension, check.db.embedded),
      reason: messages.extensionMissing(extension, where),
    });
    return;
  }
  check.findings.push({
    rule: "apply-failed",
    severity: "error",
    path,
    line: failure.line,
    message: messages.applyFailed(path, failure.line, failure.error),
    fix: messages.applyFailedFix,
  });
}

async function runOldTests(check: Check): Promise<void> {
  if (!check.options.runOldTests) return;
  const run = await check.options.runOldTests(await check.db.url());
  if (run.code === 0) return;
  check.findings.push({
    rule: "old-tests-failed",
    severity: "error",
    path: ".shipgate.yml",
    line: 1,
    message: messages.testFailed(run.command, run.code, tail(run.output)),
    fix: messages.testFailedFix,
  });
}

/** The extension a failed CREATE EXTENSION asked for, when this engine does not have it; else null. */
async function unavailableExtension(check: Check, failure: ApplyFailure): Promise<string | null> {
  const name = failure.statement === null ? null : createdExtension(failure.statement);
  if (name === null) return null;
  if (check.db.embedded) return check.notBundled.includes(name) ? name : null;
  const available = `SELECT 1 AS found FROM pg_available_extensions WHERE name = ${literal(name)}`;
  // A statement that failed inside the migration's own BEGIN leaves the transaction aborted until it is rolled back.
  const rows = await check.db.rows<{ found: number }>(available).catch(async () => {
    await check.db.exec("ROLLBACK");
    return check.db.rows<{ found: number }>(available);
  });
  return rows.length === 0 ? name : null;
}

function inconclusive(check: Check, what: { rule: VerifyFinding["rule"]; message: string; fix: string; reason: string }): void {
  check.findings.push({ rule: what.rule, severity: "error", message: what.message, fix: what.fix, inconclusive: true });
  check.summary.status = "inconclusive";
  check.summary.reason = what.reason;
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
}

function tail(output: string): string {
  const lines = output.trim().split("\n").filter(Boolean);
  return lines.slice(-3).join(" | ").slice(0, 400);
}
