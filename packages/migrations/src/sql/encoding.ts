/**
 * A migration's bytes before anything treats them as text. A database created with UTF8 refuses bytes that are not UTF-8
 * (and NUL in any text), but reading a file into a JavaScript string quietly replaces them: the check would pass a
 * migration that psql and every migration tool that sends the file's bytes then fails to apply.
 */

export interface EncodingProblem {
  /** Byte offset of the first offending byte (0-based). */
  offset: number;
  /** 1-based line and column (in UTF-16 code units of the text before it, as editors count) of that byte. */
  line: number;
  column: number;
  kind: "invalid-utf8" | "nul" | "utf16";
  /** What is wrong, for the finding: "is not valid UTF-8: byte 0xFC at byte offset 59 (line 2, column 36)". */
  what: string;
}

export interface DecodedSql {
  /**
   * The text to analyse: UTF-16 decoded as such, invalid UTF-8 with U+FFFD in place of the bad bytes, and without a
   * UTF-8 byte order mark at the start (Flyway and `psql -f` skip it; it is no part of the SQL).
   */
  text: string;
  problem: EncodingProblem | null;
}

const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** `text` without the byte order mark (U+FEFF) it may start with. */
export function withoutByteOrderMark(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function decodeSql(bytes: Uint8Array): DecodedSql {
  const utf16 = utf16Order(bytes);
  if (utf16 !== null) {
    const text = new TextDecoder(utf16.littleEndian ? "utf-16le" : "utf-16be").decode(bytes);
    const order = `${utf16.littleEndian ? "little" : "big"}-endian, ${utf16.bom ? "with a byte order mark" : "no byte order mark"}`;
    return { text, problem: { offset: 0, line: 1, column: 1, kind: "utf16", what: `is UTF-16 (${order}), not UTF-8` } };
  }
  let text: string;
  try {
    text = withoutByteOrderMark(strict.decode(bytes));
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const at = position(bytes, offset);
    const shown = hex(bytes[offset] ?? 0);
    return {
      text: withoutByteOrderMark(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8")),
      problem: {
        offset,
        ...at,
        kind: "invalid-utf8",
        what: `is not valid UTF-8: byte ${shown} at byte offset ${offset} (line ${at.line}, column ${at.column})`,
      },
    };
  }
  const nul = text.indexOf("\0");
  if (nul === -1) return { text, problem: null };
  const offset = bytes.indexOf(0);
  const at = position(bytes, offset);
  return { text, problem: { offset, ...at, kind: "nul", what: `contains a NUL byte at byte offset ${offset} (line ${at.line}, column ${at.column})` } };
}

/** UTF-16 by its byte order mark, or by the NUL bytes that ASCII text has in every other position when saved as UTF-16. */
function utf16Order(bytes: Uint8Array): { littleEndian: boolean; bom: boolean } | null {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { littleEndian: true, bom: true };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { littleEndian: false, bom: true };
  const sample = Math.min(bytes.length, 512) & ~1;
  if (sample < 4) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < sample; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  const pairs = sample / 2;
  if (oddNul > pairs * 0.6 && evenNul === 0) return { littleEndian: true, bom: false };
  if (evenNul > pairs * 0.6 && oddNul === 0) return { littleEndian: false, bom: false };
  return null;
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence (as the WHATWG decoder judges). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      i++;
      continue;
    }
    // Lead byte: sequence length and the allowed range of the second byte (no overlongs, no surrogates, <= U+10FFFF).
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) length = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      if (b === 0xe0) low = 0xa0;
      if (b === 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      if (b === 0xf0) low = 0x90;
      if (b === 0xf4) high = 0x8f;
    } else return i;
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? low : 0x80) || c > (k === 1 ? high : 0xbf)) return i;
    }
    i += length;
  }
  return bytes.length;
}

function position(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1 && i < offset; i = bytes.indexOf(0x0a, i + 1)) {
    line++;
    start = i + 1;
  }
  // The bytes before the offset on its line are well-formed, so their decoded length is the editor's column; editors
  // do not show a byte order mark.
  if (line === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = Math.min(3, offset);
  return { line, column: Buffer.from(bytes.buffer, bytes.byteOffset + start, offset - start).toString("utf8").length + 1 };
}

function hex(byte: number): string {
  return `0x${byte.toString(16).toUpperCase().padStart(2, "0")}`;
}
