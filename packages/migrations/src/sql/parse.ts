/** Parses migration SQL with the real PostgreSQL 18 parser (libpg-query, WASM) into statements with exact spans. */
import { loadModule, parseSync } from "libpg-query";
import { SourceText } from "./source.js";
import { findComments, skipTrivia, type Comment } from "./lexer.js";

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

let loaded: Promise<void> | null = null;

/** Loads the WASM parser once per process. */
export function loadParser(): Promise<void> {
  loaded ??= loadModule();
  return loaded;
}

/** Parses `text`; call `loadParser()` first. Text made only of comments and whitespace has no statements. */
export function parseSql(text: string): ParsedSql {
  const source = new SourceText(text);
  const comments = findComments(text);
  if (skipTrivia(text, 0, comments) >= text.length) return { source, comments, statements: [], error: null };
  let result: { stmts?: { stmt?: Node; stmt_location?: number; stmt_len?: number }[] };
  try {
    result = parseSync(text);
  } catch (error) {
    const details = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails;
    const index = source.indexOfByte(details?.cursorPosition ?? 0);
    return { source, comments, statements: [], error: { message: (error as Error).message, ...source.position(index) } };
  }
  const statements: Statement[] = [];
  for (const raw of result.stmts ?? []) {
    const entry = Object.entries(raw.stmt ?? {})[0];
    if (!entry) continue;
    const from = source.indexOfByte(raw.stmt_location ?? 0);
    const to = raw.stmt_len === undefined ? text.length : source.indexOfByte((raw.stmt_location ?? 0) + raw.stmt_len);
    const start = skipTrivia(text, from, comments);
    const end = trimEnd(text, start, to);
    statements.push({ kind: entry[0], node: entry[1] as Record<string, unknown>, start, end, ...source.position(start), text: text.slice(start, end) });
  }
  return { source, comments, statements, error: null };
}

function trimEnd(text: string, start: number, end: number): number {
  let i = end;
  while (i > start && /[\s;]/.test(text[i - 1] ?? "")) i--;
  return i;
}
