import { beforeAll, describe, expect, it } from "vitest";
import { loadParser, parseSql } from "./parse.js";
import { findComments } from "./lexer.js";

beforeAll(() => loadParser());

describe("parseSql", () => {
  it("maps the parser's UTF-8 byte offsets to exact statements after non-ASCII text", () => {
    const sql = "-- café ☕ 🚀\nINSERT INTO t VALUES ('naïve 😀');\n/* ü */ ALTER TABLE \"tåble\" DROP COLUMN ß;\nSELECT 'done'";
    const parsed = parseSql(sql);
    expect(parsed.statements.map((s) => [s.kind, s.text, s.line, s.column])).toEqual([
      ["InsertStmt", "INSERT INTO t VALUES ('naïve 😀')", 2, 1],
      ["AlterTableStmt", 'ALTER TABLE "tåble" DROP COLUMN ß', 3, 9],
      ["SelectStmt", "SELECT 'done'", 4, 1],
    ]);
  });

  it("parses a migration of more than a megabyte, one statement per line", () => {
    const sql = Array.from({ length: 20_000 }, (_, i) => `ALTER TABLE t${i} ADD COLUMN c${i} text DEFAULT 'ünïcödé';`).join("\n");
    const parsed = parseSql(sql);
    expect(parsed.error).toBeNull();
    expect(parsed.statements).toHaveLength(20_000);
    expect(parsed.statements.map((s) => s.line)).toEqual(Array.from({ length: 20_000 }, (_, i) => i + 1));
    expect(parsed.statements[19_999]?.text).toBe("ALTER TABLE t19999 ADD COLUMN c19999 text DEFAULT 'ünïcödé'");
  });

  it("reports a parse error at the line and column of the token the parser stopped at, after non-ASCII text", () => {
    const parsed = parseSql("SELECT '😀 é';\n  SELEC 1;");
    expect(parsed.error).toEqual({ message: 'syntax error at or near "SELEC"', line: 2, column: 3 });
  });

  it("reads the statement behind a UTF-8 byte order mark, with lines and columns as editors show them", () => {
    const parsed = parseSql("\ufeffDROP TABLE users;\n-- shipgate-ignore drop-column: gone\nALTER TABLE t DROP COLUMN c;");
    expect(parsed.error).toBeNull();
    expect(parsed.statements.map((s) => [s.kind, s.text, s.line, s.column])).toEqual([
      ["DropStmt", "DROP TABLE users", 1, 1],
      ["AlterTableStmt", "ALTER TABLE t DROP COLUMN c", 3, 1],
    ]);
    expect(parseSql("\ufeffSELECT 1;\n  SELEC 1;").error).toEqual({ message: 'syntax error at or near "SELEC"', line: 2, column: 3 });
    expect(parseSql("\ufeff-- only a comment\n").statements).toEqual([]);
  });

  it("reports a parse error at its line, and treats comment-only text as empty", () => {
    const broken = parseSql("SELECT 1;\nALTER TABLE ö ADD COLUMN;");
    expect(broken.error?.line).toBe(2);
    expect(broken.statements).toEqual([]);
    expect(parseSql("-- nothing here\n/* really */\n").statements).toEqual([]);
  });
});

describe("findComments", () => {
  it("skips strings, quoted identifiers and dollar quotes, and nests block comments", () => {
    const sql = "SELECT '-- no', \"/* no */\", E'it\\'s -- no', $$ -- no $$, $fn$ /* no */ $fn$; /* a /* nested */ still */ -- yes\n";
    expect(findComments(sql).map((c) => c.body)).toEqual(["a /* nested */ still", "yes"]);
  });

  it("finds comments between operators that start like them, and at the very end of the text", () => {
    const sql = "SELECT 4 - 2 / 1 -- minus\n, a$b, $1 /* dollar */ FROM t;--end";
    expect(findComments(sql).map((c) => [c.body, sql.slice(c.start, c.end)])).toEqual([
      ["minus", "-- minus"],
      ["dollar", "/* dollar */"],
      ["end", "--end"],
    ]);
  });
});
