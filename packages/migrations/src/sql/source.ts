/** A migration's text with the conversions the parser needs: UTF-8 byte offsets to string indexes, and indexes to lines. */

export class SourceText {
  readonly text: string;
  /** Byte offset -> string index, only built when the text is not pure ASCII. */
  readonly #byteToIndex: Uint32Array | null;
  readonly #lineStarts: number[];
  readonly byteLength: number;

  constructor(text: string) {
    this.text = text;
    this.byteLength = Buffer.byteLength(text, "utf8");
    this.#byteToIndex = this.byteLength === text.length ? null : buildByteMap(text, this.byteLength);
    this.#lineStarts = [0];
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) this.#lineStarts.push(i + 1);
  }

  /** The string index of a UTF-8 byte offset (offsets inside a character map to the character's start). */
  indexOfByte(byte: number): number {
    if (byte <= 0) return 0;
    if (byte >= this.byteLength) return this.text.length;
    return this.#byteToIndex === null ? byte : (this.#byteToIndex[byte] ?? this.text.length);
  }

  /** 1-based line and column (in UTF-16 code units, as editors count them) of a string index. */
  position(index: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.#lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.#lineStarts[mid] ?? 0) <= index) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: index - (this.#lineStarts[lo] ?? 0) + 1 };
  }
}

function buildByteMap(text: string, byteLength: number): Uint32Array {
  const map = new Uint32Array(byteLength + 1);
  let byte = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.codePointAt(i) ?? 0;
    const width = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    for (let k = 0; k < width; k++) map[byte + k] = i;
    byte += width;
    if (code >= 0x10000) i++; // a surrogate pair is one code point
  }
  map[byteLength] = text.length;
  return map;
}
