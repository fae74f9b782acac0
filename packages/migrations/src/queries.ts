/** The previous release's declared queries: read from SQL files, named, with optional parameter types, and what they read. */
import { as, list, str } from "./sql/nodes.js";
import { parseSql } from "./sql/parse.js";

export interface DeclaredQuery {
  /** `-- name: find_user` before the query, else `<file>:<line>`. */
  name: string;
  path: string;
  line: number;
  sql: string;
  /** `-- params: int4, text` before the query gives PREPARE its parameter types. */
  params: string[];
}

/** Tables and columns the previous release's queries name. */
export interface OldReads {
  tables: Set<string>;
  columns: Set<string>;
  /** Which query names a table or `table.column`, for messages. */
  by: Map<string, string>;
}

/** Splits a query file into statements, taking `-- name:` and `-- params:` comments that precede each; call `loadParser()` first. */
export function readQueryFile(path: string, text: string): { queries: DeclaredQuery[]; error: { line: number; message: string } | null } {
  const parsed = parseSql(text);
  if (parsed.error) return { queries: [], error: { line: parsed.error.line, message: parsed.error.message } };
  let previousEnd = 0;
  const queries = parsed.statements.map((statement): DeclaredQuery => {
    const before = parsed.comments.filter((c) => c.start >= previousEnd && c.end <= statement.start);
    previousEnd = statement.end;
    const name = lastMatch(before, /^name:\s*(\S+)/);
    const params = lastMatch(before, /^params:\s*(.+)$/);
    return {
      name: name ?? `${path}:${statement.line}`,
      path,
      line: statement.line,
      sql: statement.text,
      params:
        params === undefined
          ? []
          : params
              .split(",")
              .map((p) => p.trim())
              .filter(Boolean),
    };
  });
  return { queries, error: null };
}

function lastMatch(comments: readonly { body: string }[], pattern: RegExp): string | undefined {
  let found: string | undefined;
  for (const comment of comments) found = pattern.exec(comment.body)?.[1] ?? found;
  return found;
}

/** Collects the tables and columns every query names (including INSERT and UPDATE target columns); call `loadParser()` first. */
export function collectReads(queries: readonly DeclaredQuery[]): OldReads {
  const reads: OldReads = { tables: new Set(), columns: new Set(), by: new Map() };
  for (const query of queries) {
    const parsed = parseSql(query.sql);
    for (const statement of parsed.statements) walk({ [statement.kind]: statement.node }, query.name, reads);
  }
  return reads;
}

function walk(node: unknown, name: string, reads: OldReads): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, name, reads);
    return;
  }
  if (node === null || typeof node !== "object") return;
  const range = as(node, "RangeVar");
  if (range) note(reads.tables, str(range["relname"]), name, reads);
  const ref = as(node, "ColumnRef");
  if (ref) {
    for (const field of list(ref["fields"])) note(reads.columns, str(as(field, "String")?.["sval"]), name, reads);
  }
  const target = as(node, "ResTarget");
  if (target) note(reads.columns, str(target["name"]), name, reads);
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    // INSERT, UPDATE and DELETE hold their target as a bare RangeVar under `relation`.
    if (key === "relation" && value !== null && typeof value === "object") note(reads.tables, str((value as Record<string, unknown>)["relname"]), name, reads);
    walk(value, name, reads);
  }
}

function note(set: Set<string>, value: string | undefined, query: string, reads: OldReads): void {
  if (value === undefined) return;
  set.add(value);
  if (!reads.by.has(value)) reads.by.set(value, query);
}

/** Whether the previous release may read `table.column` (true when unknown). */
export function oldReadsColumn(reads: OldReads | null, table: string, column: string): boolean {
  if (reads === null) return true;
  const bare = table.includes(".") ? (table.split(".").pop() ?? table) : table;
  return reads.tables.has(bare) && reads.columns.has(column);
}

export function oldReadsTable(reads: OldReads | null, table: string): boolean {
  if (reads === null) return true;
  return reads.tables.has(table.includes(".") ? (table.split(".").pop() ?? table) : table);
}
