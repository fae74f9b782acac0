import { describe, expect, it } from "vitest";
import { decodeSql } from "./encoding.js";

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.from(p))));

describe("decodeSql", () => {
  it("passes UTF-8 text and multi-byte characters through unchanged", () => {
    for (const text of ["", "SELECT 1;\n", "-- café ☕ 🚀\nINSERT INTO t VALUES ('naïve');\n", "SELECT '\ufeff';"]) {
      expect(decodeSql(Buffer.from(text, "utf8"))).toEqual({ text, problem: null });
    }
  });

  it("drops a UTF-8 byte order mark at the start, as Flyway does, and counts columns of line 1 without it", () => {
    expect(decodeSql(bytes("\ufeff-- migrate:up\nSELECT 1;\n"))).toEqual({ text: "-- migrate:up\nSELECT 1;\n", problem: null });
    const { problem, text } = decodeSql(bytes("\ufeffSELECT 'caf", [0xe9], "';\n"));
    expect(text).toBe("SELECT 'caf\ufffd';\n");
    expect(problem).toMatchObject({ offset: 14, line: 1, column: 12 });
  });

  it("finds the first byte that is not UTF-8, with its line and the editor's column after multi-byte characters", () => {
    const { problem, text } = decodeSql(bytes("SELECT 1;\n-- ☕ caf", [0xe9], " au lait\n"));
    expect(problem).toEqual({
      offset: 20,
      line: 2,
      column: 9,
      kind: "invalid-utf8",
      what: "is not valid UTF-8: byte 0xE9 at byte offset 20 (line 2, column 9)",
    });
    expect(text).toBe("SELECT 1;\n-- ☕ caf\ufffd au lait\n");
  });

  it("rejects overlong forms, surrogates, code points above U+10FFFF and a sequence cut off at the end", () => {
    for (const bad of [[0xc0, 0x80], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf5], [0xe2, 0x98]]) {
      expect(decodeSql(bytes("ok ", bad)).problem?.offset, bad.join(" ")).toBe(3);
    }
  });

  it("agrees with the WHATWG decoder on where random bytes stop being UTF-8", () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const lenient = new TextDecoder();
    for (let n = 0; n < 2000; n++) {
      const pool = [0x41, 0x0a, 0x80, 0xbf, 0xc2, 0xdf, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xa0, 0x90, 0x9f, 0x8f, 0xff];
      const input = Buffer.from(Array.from({ length: 1 + Math.floor(random() * 12) }, () => pool[Math.floor(random() * pool.length)] ?? 0x41));
      const { problem } = decodeSql(input);
      let valid = true;
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(input);
      } catch {
        valid = false;
      }
      if (valid) {
        expect(problem === null || problem.kind === "utf16", input.toString("hex")).toBe(true);
        continue;
      }
      if (problem?.kind === "utf16") continue;
      expect(problem?.kind, input.toString("hex")).toBe("invalid-utf8");
      const prefix = lenient.decode(input.subarray(0, problem?.offset ?? 0));
      expect(lenient.decode(input).startsWith(`${prefix}\ufffd`), input.toString("hex")).toBe(true);
    }
  });

  it("reports a NUL byte, which PostgreSQL text cannot hold", () => {
    expect(decodeSql(bytes("SELECT 'a", [0], "b';")).problem).toMatchObject({ kind: "nul", offset: 9, line: 1, column: 10 });
  });

  it("says UTF-16, with or without a byte order mark, and decodes it so the SQL can still be checked", () => {
    const sql = "SELECT 1;\n";
    const cases: [Buffer, string][] = [
      [Buffer.from(`\ufeff${sql}`, "utf16le"), "is UTF-16 (little-endian, with a byte order mark), not UTF-8"],
      [Buffer.from(`\ufeff${sql}`, "utf16le").swap16(), "is UTF-16 (big-endian, with a byte order mark), not UTF-8"],
      [Buffer.from(sql, "utf16le"), "is UTF-16 (little-endian, no byte order mark), not UTF-8"],
    ];
    for (const [input, what] of cases) expect(decodeSql(input)).toEqual({ text: sql, problem: { offset: 0, line: 1, column: 1, kind: "utf16", what } });
  });
});
