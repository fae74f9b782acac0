/** Applying migrations on the database as their tool does: statement by statement, with the tool's bookkeeping around each. */
import { messages } from "../messages.js";
import type { DeclaredQuery } from "../queries.js";
import type { ParsedSql, Statement } from "../sql/parse.js";
import type { MigrationSource } from "../lint.js";
import type { Bookkeeping } from "./bookkeeping.js";
import type { Database } from "./database.js";

export interface ApplyFailure {
  line: number;
  error: string;
  /** The statement that failed (null for a parse error or the bookkeeping). */
  statement: Statement | null;
}

/** Runs the statements one by one (as migration tools do), calling `after` after each; returns the first failure. */
export async function applyStatements(db: Database, parsed: ParsedSql, after?: (statement: Statement) => Promise<void>): Promise<ApplyFailure | null> {
  if (parsed.error) return { line: parsed.error.line, error: parsed.error.message, statement: null };
  for (const statement of parsed.statements) {
    try {
      await db.exec(statement.text);
    } catch (error) {
      return { line: statement.line, error: (error as Error).message, statement };
    }
    if (after) await after(statement);
  }
  return null;
}

/** Applies one migration's up (or down) with the tool's bookkeeping statements before and after it. */
export async function applyMigration(
  db: Database,
  source: MigrationSource,
  parsed: ParsedSql,
  bookkeeping: Bookkeeping,
  direction: "up" | "down",
  after?: (statement: Statement) => Promise<void>,
): Promise<ApplyFailure | null> {
  const before = direction === "up" ? bookkeeping.beforeUp(source) : bookkeeping.beforeDown(source);
  const failed = await runBookkeeping(db, before, bookkeeping.table(source));
  if (failed) return failed;
  const failure = await applyStatements(db, parsed, after);
  if (failure) return failure;
  return runBookkeeping(db, direction === "up" ? bookkeeping.afterUp(source) : bookkeeping.afterDown(source), bookkeeping.table(source));
}

async function runBookkeeping(db: Database, statements: readonly string[], table: string | null): Promise<ApplyFailure | null> {
  for (const sql of statements) {
    try {
      await db.exec(sql);
    } catch (error) {
      return { line: 1, error: messages.bookkeepingFailed(table ?? "", (error as Error).message), statement: null };
    }
  }
  return null;
}

let counter = 0;

/** PREPAREs the query (with its declared parameter types) and deallocates it; returns the error or null. */
export async function prepareQuery(db: Database, query: DeclaredQuery): Promise<string | null> {
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

/** Whether an explicit transaction is open after `statement` (BEGIN ... COMMIT written in the migration). */
export function transactionState(statement: Statement, open: boolean): boolean {
  if (statement.kind !== "TransactionStmt") return open;
  const kind = String(statement.node["kind"]);
  if (kind === "TRANS_STMT_BEGIN" || kind === "TRANS_STMT_START") return true;
  if (kind === "TRANS_STMT_COMMIT" || kind === "TRANS_STMT_ROLLBACK") return false;
  return open;
}
