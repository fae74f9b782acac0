/** Paths as git prints them: raw bytes, C-quoted header names, `diff --git a/X b/X` lines, and how shipgate shows them. */
import { isUtf8 } from "node:buffer";

/**
 * A path's bytes as text: UTF-8 when they are valid UTF-8, else with every byte from 0x80 up written as git writes it
 * with core.quotePath (`caf\351.key`), so a name that is not UTF-8 is shown exactly instead of as U+FFFD.
 */
export function decodePath(bytes: Buffer): string {
  // Decoding replaces invalid bytes with U+FFFD: only a name that shows one can be anything but valid UTF-8.
  const text = bytes.toString("utf8");
  if (!text.includes("\uFFFD") || isUtf8(bytes)) return text;
  let out = "";
  for (const byte of bytes) out += byte < 0x80 ? String.fromCharCode(byte) : `\\${byte.toString(8).padStart(3, "0")}`;
  return out;
}

/** A path as git printed it in a header (bytes read as latin1, maybe C-quoted), decoded like a raw path. */
export function toPath(latin1: string): string {
  return decodePath(unquoteBytes(latin1));
}

/**
 * The destination path named in a `diff --git a/X b/X` or `diff --cc X` header (read as latin1), when it can be read
 * unambiguously.
 */
export function headerPath(line: string): string | null {
  if (line.startsWith("diff --cc ")) return toPath(line.slice(10));
  if (line.startsWith("diff --combined ")) return toPath(line.slice(16));
  const rest = line.slice(11);
  if (rest.startsWith('"')) {
    const match = /^("(?:[^"\\]|\\.)*") ("(?:[^"\\]|\\.)*"|b\/.*)$/.exec(rest);
    return match?.[2] ? stripPrefix(toPath(match[2]), "b/") : null;
  }
  if ((rest.length - 1) % 2 === 0 && rest.length > 5) {
    const half = (rest.length - 1) / 2;
    const a = rest.slice(0, half);
    const b = rest.slice(half + 1);
    if (a.startsWith("a/") && b.startsWith("b/") && a.slice(2) === b.slice(2)) return toPath(b.slice(2));
  }
  const quotedB = / ("b\/(?:[^"\\]|\\.)*")$/.exec(rest);
  return quotedB?.[1] ? stripPrefix(toPath(quotedB[1]), "b/") : null;
}

export function stripPrefix(value: string, prefix: string): string {
  return value.startsWith(prefix) ? value.slice(prefix.length) : value;
}

const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, "\\": 92 };

/** Undoes git's C-style quoting (`"a\\nb\\303\\244"`) of a path read as latin1; unquoted input is returned as its bytes. */
function unquoteBytes(value: string): Buffer {
  if (!value.startsWith('"') || !value.endsWith('"') || value.length < 2) return Buffer.from(value, "latin1");
  const bytes: number[] = [];
  const body = value.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] ?? "";
    if (ch !== "\\") {
      bytes.push(ch.charCodeAt(0) & 0xff);
      continue;
    }
    const next = body[i + 1] ?? "";
    if (/[0-7]/.test(next)) {
      bytes.push(Number.parseInt(body.slice(i + 1, i + 4), 8) & 0xff);
      i += 3;
    } else {
      bytes.push(ESCAPES[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes);
}
