/** Parses migration SQL with the real PostgreSQL 18 parser (libpg-query, WASM) into statements with exact spans. */
import { SourceText } from "./source.js";
import { findComments, skipTrivia, type Comment } from "./lexer.js";
import { withoutByteOrderMark } from "./encoding.js";
import { loadPgQuery } from "./pg-query.js";
import { parseRawCached } from "../cache/parse-cache.js";

/** A parse-tree node: `{ NodeType: { ...fields } }`; rules read it through the helpers in `nodes.ts`. */
export type Node = Record<string, unknown>;

export interface Statement {
  /** The node type, e.g. `AlterTableStmt`. */
  kind: string;
  /** The node's fields. */
  node: Record<string, unknown>;
  /** String indexes of the statement without leading whitespace and comments, and without the `;`. */
  start: number;
  end: number;
  line: number;
  column: number;
  text: string;
}

export interface ParsedSql {
  source: SourceText;
  comments: Comment[];
  statements: Statement[];
  /** Set when the parser refused the text; `statements` is then empty. */
  error: { message: string; line: number; column: number } | null;
}

/** Loads the WASM parser once per process; calling it early lets the compile overlap other work. */
export function loadParser(): Promise<void> {
  return loadPgQuery();
}

/**
 * Parses `text`; call `loadParser()` first. Text made only of comments and whitespace has no statements. A UTF-8 byte
 * order mark at the start is not part of the SQL (PostgreSQL's lexer would take it for the start of a word): positions
 * are those of the text after it, as editors show them.
 */
export function parseSql(sql: string): ParsedSql {
  const text = withoutByteOrderMark(sql);
  const source = new SourceText(text);
  const comments = findComments(text);
  if (skipTrivia(text, 0, comments) >= text.length) return { source, comments, statements: [], error: null };
  const { tree, error } = parseRawCached(text);
  if (error !== null) return { source, comments, statements: [], error: { message: error.message, ...source.position(source.indexOfCodePoint(error.cursor)) } };
  const statements: Statement[] = [];
  for (const raw of tree.stmts ?? []) {
    const kind = firstKey(raw.stmt);
    if (kind === undefined) continue;
    const from = source.indexOfByte(raw.stmt_location ?? 0);
    const to = raw.stmt_len === undefined ? text.length : source.indexOfByte((raw.stmt_location ?? 0) + raw.stmt_len);
    const start = skipTrivia(text, from, comments);
    const end = trimEnd(text, start, to);
    const { line, column } = source.position(start);
    statements.push({ kind, node: raw.stmt?.[kind] as Record<string, unknown>, start, end, line, column, text: text.slice(start, end) });
  }
  return { source, comments, statements, error: null };
}

/** The node type of `{ NodeType: fields }`. */
function firstKey(node: Record<string, unknown> | undefined): string | undefined {
  for (const key in node) return key;
  return undefined;
}

/** Index just past the statement's last character that is neither whitespace nor `;`. */
function trimEnd(text: string, start: number, end: number): number {
  let i = end;
  while (i > start && isSpaceOrSemicolon(text.charCodeAt(i - 1))) i--;
  return i;
}

function isSpaceOrSemicolon(code: number): boolean {
  if (code < 128) return code === 59 /* ; */ || code === 32 || (code >= 9 && code <= 13);
  return /\s/.test(String.fromCharCode(code));
}
