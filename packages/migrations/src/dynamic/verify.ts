/**
 * The dynamic check, as named steps on one database: open it (PGlite with the bundled extensions the migrations ask
 * for, or a throw-away database on a server), build the previous release's schema as its migration tool would, prepare
 * the previous release's queries, apply the release while proving they still prepare, run the previous release's tests,
 * then roll the release back with its downs and compare the catalog; a chain that falls short is replayed to name the
 * down responsible. The previous schema is a cached copy when the repository's cache holds one (cache/previous-schema.ts).
 */
import type { CacheOptions } from "../cache/options.js";
import { openPreviousSchema } from "../cache/previous-schema.js";
import { upSql, type MigrationSource } from "../lint.js";
import { messages } from "../messages.js";
import type { DeclaredQuery } from "../queries.js";
import { loadParser, type Statement } from "../sql/parse.js";
import { applyMigration, prepareQuery, transactionState, type ApplyFailure } from "./apply.js";
import { Bookkeeping } from "./bookkeeping.js";
import { diffCatalog, snapshotCatalog } from "./catalog.js";
import { literal, openPglite, type Database } from "./database.js";
import { chainMismatch, planDowns, rollBack, type DownStep, type RollBack } from "./downs.js";
import { createdExtension, PGLITE_BUNDLED, pgliteExtensions, requestedExtensions, type PgliteExtensions } from "./extensions.js";
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
  /** The repository's caches (cache/options.ts): the previous schema is copied from there when it can be; null: built. */
  cache?: CacheOptions | null;
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
  const bookkeeping = new Bookkeeping([...options.previous, ...options.added]);
  const { db, pglite, previous } = await openEngine(options, bookkeeping);
  const summary: DynamicRun = {
    status: "ran",
    engine: db.engine,
    extensions: pglite?.loaded ?? [],
    previous: 0,
    cached: previous.reused,
    added: options.added.length,
    applied: 0,
    queries: { declared: options.queries.length, prepared: 0, stillPrepare: 0 },
    downs: { verified: 0, total: 0, skipped: messages.downsNotReached },
  };
  const check: Check = {
    db,
    options,
    bookkeeping,
    notBundled: pglite?.missing ?? [],
    findings: [],
    summary,
    log: options.log ?? (() => undefined),
  };
  try {
    if (!(await buildPreviousSchema(check, previous))) return { findings: check.findings, summary };
    const live = await prepareOldQueries(check);
    const release = await applyRelease(check, live, previous.catalog);
    if (release === null) return { findings: check.findings, summary };
    await runOldTests(check);
    summary.downs = "skipped" in release ? { verified: 0, total: 0, skipped: release.skipped } : await checkDowns(check, release.steps, release.baseline);
    return { findings: check.findings, summary };
  } finally {
    await db.close();
  }
}

/** A previous release's migration that failed to apply, and how. */
type PreviousFailure = { source: MigrationSource; failure: ApplyFailure } | null;

/** The database holding the previous release's schema, and how it got there. */
interface PreviousBuilt {
  /** How many of the previous release's migrations came from a cached copy (cache/previous-schema.ts). */
  reused: number;
  /** The migration that failed to apply, or null when the schema is complete. */
  failed: PreviousFailure;
  /** Its catalog (taken to store or to check a cached copy), null when a migration failed: the release's baseline. */
  catalog: string[] | null;
}

/**
 * PGlite with the bundled extensions the migrations create, or a throw-away database on the server at the URL, holding
 * the previous release's schema: a cached copy when the cache has one for these migrations, this engine, these
 * extensions and bookkeeping tables; else built by `applyPrevious` (and then stored).
 */
async function openEngine(
  options: VerifyOptions,
  bookkeeping: Bookkeeping,
): Promise<{ db: Database; pglite: PgliteExtensions | null; previous: PreviousBuilt }> {
  const pglite = options.databaseUrl ? null : await pgliteExtensions(requestedExtensions([...options.previous, ...options.added]));
  let failed: PreviousFailure = null;
  const schema = await openPreviousSchema(
    {
      previous: options.previous,
      databaseUrl: options.databaseUrl,
      cache: options.cache ?? null,
      inputs: { extensions: pglite?.loaded ?? [], bookkeeping: bookkeeping.create() },
      ...(pglite ? { openPglite: (dataDir?: Uint8Array) => openPglite({ extensions: pglite.modules, dataDir }) } : {}),
    },
    async (db, migrations, fresh) => {
      failed = await applyPrevious(db, migrations, bookkeeping, fresh);
      return failed === null;
    },
  );
  // Migrations that came from a copy were applied by an earlier run: their tools' entries are read back from it.
  if (schema.before !== null) await bookkeeping.applied(schema.db, options.previous);
  return { db: schema.db, pglite, previous: { reused: schema.reused, failed, catalog: schema.before } };
}

/**
 * Applies the previous release's migrations (those after a cached copy's) as their tools would; on an empty database,
 * the tools' bookkeeping tables first (a copy has them already).
 */
async function applyPrevious(db: Database, previous: readonly MigrationSource[], bookkeeping: Bookkeeping, fresh: boolean): Promise<PreviousFailure> {
  if (fresh) for (const sql of bookkeeping.create()) await db.exec(sql);
  for (const source of previous) {
    const failure = await applyMigration(db, source, upSql(source), bookkeeping, "up");
    if (failure) return { source, failure };
  }
  return null;
}

/** Reports how the previous release's schema was built; false (and an inconclusive finding) when one of its migrations failed. */
async function buildPreviousSchema(check: Check, built: PreviousBuilt): Promise<boolean> {
  const { db, summary } = check;
  const failed = built.failed;
  if (failed) {
    const where = `${failed.source.migration.up}:${failed.failure.line}`;
    const extension = await unavailableExtension(check, failed.failure);
    const needs = extension === null ? null : messages.needsExtension(where, extension, db.engine, db.embedded ? PGLITE_BUNDLED : null);
    inconclusive(check, {
      rule: "previous-schema",
      message: needs === null ? messages.previousSchemaFailed(where, failed.failure.error, db.engine) : messages.previousSchemaExtension(needs),
      fix: extension === null ? messages.previousSchemaFix(db.embedded) : messages.extensionFix(extension, db.embedded),
      reason: messages.previousNotBuilt(where),
    });
    summary.previous = check.options.previous.indexOf(failed.source);
    return false;
  }
  summary.previous = check.options.previous.length;
  const how = built.reused === summary.previous ? "copied the schema of" : built.reused > 0 ? `applied (${built.reused} from the cache)` : "applied";
  check.log(`${how} ${summary.previous} migration(s) of the previous release on ${db.engine}`);
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
 * Returns the downs to check with the catalog the release started from, why downs are not checked, or null when a
 * migration failed. `previous`: the catalog of the previous schema, already taken (preparing queries changes none).
 */
async function applyRelease(
  check: Check,
  queries: readonly DeclaredQuery[],
  previous: string[] | null,
): Promise<{ steps: DownStep[]; baseline: string[] } | { skipped: string } | null> {
  const { db, summary } = check;
  const plan = planDowns(check.options.added);
  const baseline = Array.isArray(plan) ? (previous ?? (await snapshotCatalog(db))) : [];
  let live = [...queries];
  for (const source of check.options.added) {
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
  }
  summary.queries.stillPrepare = live.length;
  check.log(`applied ${summary.applied} new migration(s); ${live.length} of ${summary.queries.prepared} old queries still prepare`);
  return Array.isArray(plan) ? { steps: plan, baseline } : plan;
}

/** Rolls the release back; when the catalog is not the one it started from, names the down that falls short. */
async function checkDowns(check: Check, steps: readonly DownStep[], baseline: readonly string[]): Promise<DynamicRun["downs"]> {
  const total = steps.length;
  const chain = await rollBack(check.db, steps, check.bookkeeping, null);
  if (chain.problem) {
    check.findings.push(chain.problem);
    return { verified: chain.verified, total };
  }
  const after = await snapshotCatalog(check.db);
  const { missing, extra } = diffCatalog(baseline, after);
  if (missing.length === 0 && extra.length === 0) return { verified: total, total };
  // Only now is a snapshot per step worth its cost: replay the release on a fresh database and compare each down.
  const replay = await replayDowns(check.options, steps);
  check.findings.push(replay.problem ?? chainMismatch(steps, baseline, after));
  return { verified: replay.problem ? replay.verified : 0, total };
}

/** The release again on a fresh database, with a snapshot before each up, rolled back down by down. */
async function replayDowns(options: VerifyOptions, steps: readonly DownStep[]): Promise<RollBack> {
  const bookkeeping = new Bookkeeping([...options.previous, ...options.added]);
  const { db, previous } = await openEngine(options, bookkeeping);
  try {
    if (previous.failed) return { verified: 0, problem: null };
    const before: string[][] = [];
    for (const { source } of steps) {
      before.push(await snapshotCatalog(db));
      if (await applyMigration(db, source, upSql(source), bookkeeping, "up")) return { verified: 0, problem: null };
    }
    return await rollBack(db, steps, bookkeeping, before);
  } finally {
    await db.close();
  }
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
