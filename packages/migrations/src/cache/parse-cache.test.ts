import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "@shipgate/test-utils";
import { loadParser, parseSql, type ParsedSql } from "../sql/parse.js";
import { openParseCache, parseCacheStats, saveParseCache } from "./parse-cache.js";

const TEXTS = [
  "CREATE TABLE a (id bigint PRIMARY KEY, name text NOT NULL);\n-- a comment\nCREATE INDEX a_name ON a (name);\n",
  "ALTER TABLE a ADD COLUMN note text DEFAULT 'naïve ☕';\n",
  "ALTER TABLE a DROP COLUM broken;\n",
];

/** What a parse gives the rules, without the SourceText object. */
function shape(parsed: ParsedSql): unknown {
  return { comments: parsed.comments, statements: parsed.statements, error: parsed.error };
}

beforeAll(() => loadParser());
afterEach(() => {
  openParseCache(null, 0);
});

describe("the parse cache", () => {
  it("gives the parser's own results from disk in the next process, parsing only what changed", () => {
    const expected = TEXTS.map((t) => shape(parseSql(t)));
    const dir = tempDir();
    expect(openParseCache(dir, 1 << 20)).toBe(0);
    expect(TEXTS.map((t) => shape(parseSql(t)))).toEqual(expected);
    expect(parseCacheStats()).toEqual({ hits: 0, misses: 3, rejected: null });
    saveParseCache();
    // A new open reads the pack as the next process would.
    expect(openParseCache(dir, 1 << 20)).toBe(3);
    const changed = "ALTER TABLE a ADD COLUMN other int;\n";
    expect(TEXTS.map((t) => shape(parseSql(t)))).toEqual(expected);
    expect(parseSql(changed).statements.map((s) => s.text)).toEqual(["ALTER TABLE a ADD COLUMN other int"]);
    expect(parseCacheStats()).toEqual({ hits: 3, misses: 1, rejected: null });
  });

  it("ignores a damaged pack or one of another parser version, and replaces it on save", () => {
    const expected = TEXTS.map((t) => shape(parseSql(t)));
    const dir = tempDir();
    openParseCache(dir, 1 << 20);
    TEXTS.forEach((t) => parseSql(t));
    saveParseCache();
    const file = join(dir, "parse.pack");
    const whole = readFileSync(file);
    const damaged = [
      { bytes: whole.subarray(0, whole.length - 1), reason: /payload bytes where the header says/ },
      { bytes: flip(whole, whole.length - 20), reason: /checksum mismatch/ },
      { bytes: Buffer.from(whole.toString("latin1").replace("libpg-query ", "libpg-query 0."), "latin1"), reason: /another version/ },
    ];
    for (const { bytes, reason } of damaged) {
      writeFileSync(file, bytes);
      expect(openParseCache(dir, 1 << 20)).toBe(0);
      expect(parseCacheStats().rejected).toMatch(reason);
      expect(TEXTS.map((t) => shape(parseSql(t)))).toEqual(expected);
      expect(parseCacheStats().misses).toBe(3);
      saveParseCache();
      expect(openParseCache(dir, 1 << 20)).toBe(3);
    }
  });

  it("keeps what the last run used first when the pack outgrows its bound", () => {
    const dir = tempDir();
    openParseCache(dir, 1 << 20);
    const many = Array.from({ length: 40 }, (_, i) => `CREATE TABLE t${i} (id int);\n`);
    many.forEach((t) => parseSql(t));
    saveParseCache();
    const size = readFileSync(join(dir, "parse.pack")).length;
    // A bound of about half: the next run uses the last 5 and parses a new one; those six are kept.
    openParseCache(dir, Math.floor(size / 2));
    many.slice(35).forEach((t) => parseSql(t));
    parseSql("CREATE TABLE fresh (id int);\n");
    saveParseCache();
    expect(openParseCache(dir, 1 << 20)).toBeLessThan(40);
    [...many.slice(35), "CREATE TABLE fresh (id int);\n"].forEach((t) => parseSql(t));
    expect(parseCacheStats()).toEqual({ hits: 6, misses: 0, rejected: null });
  });
});

function flip(bytes: Buffer, at: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] = (copy[at] ?? 0) ^ 0x40;
  return copy;
}
