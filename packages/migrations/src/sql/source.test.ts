import { describe, expect, it } from "vitest";
import { SourceText } from "./source.js";

/** Byte offset -> string index, the slow way: every character's UTF-8 bytes map to its first code unit. */
function referenceIndexes(text: string): number[] {
  const indexes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.codePointAt(i) ?? 0;
    for (let k = 0; k < Buffer.byteLength(String.fromCodePoint(code)); k++) indexes.push(i);
    if (code >= 0x10000) i++;
  }
  indexes.push(text.length);
  return indexes;
}

describe("SourceText", () => {
  it("maps every UTF-8 byte offset to the string index of the character it belongs to", () => {
    for (const text of ["", "SELECT 1;", "-- café ☕ 🚀\nINSERT INTO t VALUES ('naïve 😀');\n", "ü", "😀😀x", "a\u00e9b\u20acc\u{1f600}d\nä"]) {
      const source = new SourceText(text);
      const expected = referenceIndexes(text);
      expect(source.byteLength).toBe(Buffer.byteLength(text));
      expect(expected.map((_, byte) => source.indexOfByte(byte))).toEqual(expected);
    }
  });

  it("gives 1-based lines and columns in UTF-16 code units", () => {
    const source = new SourceText("a\n😀b\n\nc");
    expect([0, 2, 4, 6, 7].map((index) => source.position(index))).toEqual([
      { line: 1, column: 1 },
      { line: 2, column: 1 },
      { line: 2, column: 3 },
      { line: 3, column: 1 },
      { line: 4, column: 1 },
    ]);
  });
});
