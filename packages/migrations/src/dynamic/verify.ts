/**
 * The dynamic check: apply the previous release's migrations, snapshot the catalog, apply the new ones while proving
 * that every declared query of the previous release still prepares, then roll back with the downs and compare.
 */
import { downSql, upSql, type MigrationSource } from "../lint.js";
import { messages } from "../messages.js";
import type { DeclaredQuery } from "../queries.js";
import { loadParser, type ParsedSql, type Statement } from "../sql/parse.js";
import { diffCatalog, snapshotCatalog } from "./catalog.js";
import type { Database } from "./database.js";
import type { CacheOptions } from "../cache/options.js";
import { openPreviousSchema, type SchemaSource } from "../cache/previous-schema.js";

export interface VerifyFinding {
  rule: "old-query-broken" | "old-query-invalid" | "apply-failed" | "down-mismatch" | "down-failed" | "old-tests-failed";
  severity: "error" | "warn";
  path: string;
  line: number;
  message: string;
  fix: string;
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
  database: string;
  applied: number;
  queriesChecked: number;
  downChecked: boolean;
  /** Where the previous release's schema came from, and why a cached copy was not used. */
  previousSchema: { source: SchemaSource; reused: number; ignored: string | null };
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

export async function verifyRelease(options: VerifyOptions): Promise<VerifyResult> {
  await loadParser();
  const log = options.log ?? (() => undefined);
  const findings: VerifyFinding[] = [];
  // The previous release's schema: a cached copy when there is a valid one for these migrations (cache/previous-schema.ts).
  const cache = options.cache ?? null;
  const schema = await openPreviousSchema({ previous: options.previous, databaseUrl: options.databaseUrl, cache }, (db, migrations) =>
    applyPrevious(db, migrations, findings),
  );
  const db = schema.db;
  const previousSchema = { source: schema.source, reused: schema.reused, ignored: schema.ignored };
  const result: VerifyResult = { findings, database: db.label, applied: 0, queriesChecked: 0, downChecked: false, previousSchema };
  try {
    if (schema.before === null) return result;
    log(`${schema.source === "cache" ? "copied the schema of" : "applied"} ${options.previous.length} migration(s) of the previous release on ${db.label}`);
    const before = schema.before;
    let live: DeclaredQuery[] = [];
    for (const query of options.queries) {
      const error = await prepare(db, query);
      if (error === null) live.push(query);
      else
        findings.push({
          rule: "old-query-invalid",
          severity: "warn",
          path: query.path,
          line: query.line,
          message: messages.queryFailsBefore(query.name, `${query.path}:${query.line}`, error),
          fix: messages.queryFailsBeforeFix,
        });
    }
    result.queriesChecked = live.length;
    let applyFailed = false;
    for (const source of options.added) {
      const parsed = upSql(source);
      let inTransaction = false;
      const failure = await applyAll(db, parsed, source.migration.up, async (statement) => {
        inTransaction = transactionState(statement, inTransaction);
        if (inTransaction || HARMLESS.has(statement.kind) || live.length === 0) return;
        const broken: DeclaredQuery[] = [];
        for (const query of live) {
          const error = await prepare(db, query);
          if (error === null) continue;
          broken.push(query);
          const cause = `${source.migration.up}:${statement.line} \`${excerpt(statement.text)}\``;
          findings.push({
            rule: "old-query-broken",
            severity: "error",
            path: source.migration.up,
            line: statement.line,
            message: messages.queryBroken(query.name, `${query.path}:${query.line}`, error, cause),
            fix: messages.queryBrokenFix,
          });
        }
        live = live.filter((q) => !broken.includes(q));
      });
      if (failure) {
        findings.push({
          rule: "apply-failed",
          severity: "error",
          path: source.migration.up,
          line: failure.line,
          message: messages.applyFailed(source.migration.up, failure.line, failure.error),
          fix: messages.applyFailedFix,
        });
        applyFailed = true;
        break;
      }
      result.applied++;
    }
    log(`applied ${result.applied} new migration(s); ${live.length} of ${result.queriesChecked} old queries still prepare`);
    if (applyFailed) return result;
    if (options.runOldTests) {
      const run = await options.runOldTests(await db.url());
      if (run.code !== 0)
        findings.push({
          rule: "old-tests-failed",
          severity: "error",
          path: ".shipgate.yml",
          line: 1,
          message: messages.testFailed(run.command, run.code, tail(run.output)),
          fix: messages.testFailedFix,
        });
    }
    await checkDowns(db, options.added, before, findings, result);
    return result;
  } finally {
    await db.close();
  }
}

/** Applies the previous release's migrations in order; the first failure becomes a finding and stops. */
async function applyPrevious(db: Database, previous: readonly MigrationSource[], findings: VerifyFinding[]): Promise<boolean> {
  for (const source of previous) {
    const failure = await applyAll(db, upSql(source), source.migration.up);
    if (failure) {
      findings.push({
        rule: "apply-failed",
        severity: "error",
        path: source.migration.up,
        line: failure.line,
        message: messages.oldApplyFailed(source.migration.up, failure.line, failure.error),
        fix: messages.oldApplyFailedFix,
      });
      return false;
    }
  }
  return true;
}

/** Applies every down of the release, newest first, and compares the catalog with the snapshot taken before the release. */
async function checkDowns(db: Database, added: readonly MigrationSource[], before: string[], findings: VerifyFinding[], result: VerifyResult): Promise<void> {
  const downs = added.map((source) => ({ source, parsed: source.migration.hasDowns && !source.migration.repeatable ? downSql(source) : null }));
  if (downs.length === 0 || downs.some((d) => d.parsed === null || d.parsed.error !== null || d.parsed.statements.length === 0)) return;
  for (const { source, parsed } of [...downs].reverse()) {
    const path = source.migration.down ?? source.migration.up;
    const failure = parsed ? await applyAll(db, parsed, path) : null;
    if (failure) {
      findings.push({
        rule: "down-failed",
        severity: "error",
        path,
        line: failure.line,
        message: messages.downFailed(path, failure.line, failure.error),
        fix: messages.downMismatchFix,
      });
      return;
    }
  }
  result.downChecked = true;
  const { missing, extra } = diffCatalog(before, await snapshotCatalog(db));
  if (missing.length === 0 && extra.length === 0) return;
  const parts = [...missing.slice(0, 5).map((l) => `missing ${l}`), ...extra.slice(0, 5).map((l) => `left behind ${l}`)];
  const more = missing.length + extra.length - parts.length;
  const last = added[added.length - 1];
  findings.push({
    rule: "down-mismatch",
    severity: "error",
    path: last?.migration.down ?? last?.migration.up ?? "",
    line: 1,
    message: messages.downMismatch(added.map((a) => a.migration.name).join(", "), parts.join("; ") + (more > 0 ? `; and ${more} more` : "")),
    fix: messages.downMismatchFix,
  });
}

/** Runs the statements one by one (as migration tools do), calling `after` after each; returns the first failure. */
async function applyAll(
  db: Database,
  parsed: ParsedSql,
  path: string,
  after?: (statement: Statement) => Promise<void>,
): Promise<{ line: number; error: string } | null> {
  if (parsed.error) return { line: parsed.error.line, error: parsed.error.message };
  void path;
  for (const statement of parsed.statements) {
    try {
      await db.exec(statement.text);
    } catch (error) {
      return { line: statement.line, error: (error as Error).message };
    }
    if (after) await after(statement);
  }
  return null;
}

let counter = 0;

/** PREPAREs the query (with its declared parameter types) and deallocates it; returns the error or null. */
async function prepare(db: Database, query: DeclaredQuery): Promise<string | null> {
  const name = `shipgate_q${++counter}`;
  const types = query.params.length > 0 ? ` (${query.params.join(", ")})` : "";
  try {
    await db.exec(`PREPARE ${name}${types} AS ${query.sql}`);
  } catch (error) {
    return (error as Error).message;
  }
  await db.exec(`DEALLOCATE ${name}`);
  return null;
}

function transactionState(statement: Statement, open: boolean): boolean {
  if (statement.kind !== "TransactionStmt") return open;
  const kind = String(statement.node["kind"]);
  if (kind === "TRANS_STMT_BEGIN" || kind === "TRANS_STMT_START") return true;
  if (kind === "TRANS_STMT_COMMIT" || kind === "TRANS_STMT_ROLLBACK") return false;
  return open;
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
}

function tail(output: string): string {
  const lines = output.trim().split("\n").filter(Boolean);
  return lines.slice(-3).join(" | ").slice(0, 400);
}
