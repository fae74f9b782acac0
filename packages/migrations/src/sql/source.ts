/** A migration's text with the conversions the parser needs: UTF-8 byte offsets to string indexes, and indexes to lines. */

export class SourceText {
  readonly text: string;
  readonly byteLength: number;
  /**
   * Where each non-ASCII character starts, as a UTF-8 byte offset and a string index; between two of them the text is
   * ASCII, one byte per index. Migrations are mostly ASCII, so this stays short.
   */
  readonly #wideBytes: number[] = [];
  readonly #wideIndexes: number[] = [];
  readonly #lineStarts: number[];

  constructor(text: string) {
    this.text = text;
    let extra = 0; // UTF-8 bytes so far beyond one per UTF-16 code unit
    NON_ASCII.lastIndex = 0;
    for (let match = NON_ASCII.exec(text); match !== null; match = NON_ASCII.exec(text)) {
      this.#wideBytes.push(match.index + extra);
      this.#wideIndexes.push(match.index);
      const code = text.codePointAt(match.index) ?? 0;
      extra += utf8Width(code) - (code >= 0x10000 ? 2 : 1);
    }
    this.byteLength = text.length + extra;
    this.#lineStarts = [0];
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) this.#lineStarts.push(i + 1);
  }

  /** The string index of a UTF-8 byte offset (offsets inside a character map to the character's start). */
  indexOfByte(byte: number): number {
    if (byte <= 0) return 0;
    if (byte >= this.byteLength) return this.text.length;
    const wide = lastAtOrBefore(this.#wideBytes, byte);
    if (wide === -1) return byte;
    const start = this.#wideBytes[wide] ?? 0;
    const index = this.#wideIndexes[wide] ?? 0;
    const code = this.text.codePointAt(index) ?? 0;
    const width = utf8Width(code);
    return byte < start + width ? index : index + (code >= 0x10000 ? 2 : 1) + (byte - start - width);
  }

  /** The string index of an offset in code points (PostgreSQL reports error positions in characters, not bytes). */
  indexOfCodePoint(offset: number): number {
    let index = 0;
    for (let n = 0; n < offset && index < this.text.length; n++) index += (this.text.codePointAt(index) ?? 0) >= 0x10000 ? 2 : 1;
    return index;
  }

  /** 1-based line and column (in UTF-16 code units, as editors count them) of a string index. */
  position(index: number): { line: number; column: number } {
    const line = lastAtOrBefore(this.#lineStarts, index);
    return { line: line + 1, column: index - (this.#lineStarts[line] ?? 0) + 1 };
  }
}

/** One match per code point that is not ASCII (a surrogate pair is one match). */
const NON_ASCII = /[^\0-\x7f]/gu;

function utf8Width(code: number): number {
  return code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
}

/** Index of the last element of the ascending `sorted` that is <= `value`, or -1. */
function lastAtOrBefore(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] ?? 0) <= value) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
