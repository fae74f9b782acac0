/** Which added lines a run needs: each policy declares what it reads, and the Change keeps the union of it. */
import type { LineSelection } from "./types.js";

/**
 * The selection that serves every one of `selections`: "all" when one needs every line, "none" when none reads any,
 * else one pattern matching wherever any of theirs does (case-insensitive when one of them is).
 */
export function unionLines(selections: readonly LineSelection[]): LineSelection {
  const patterns: RegExp[] = [];
  for (const selection of selections) {
    if (selection === "all") return "all";
    if (selection !== "none") {
      // The parser tests patterns on raw bytes; one it cannot test exactly there is served by keeping every line.
      if (!isAsciiPattern(selection)) return "all";
      patterns.push(selection);
    }
  }
  if (patterns.length === 0) return "none";
  if (patterns.length === 1) return patterns[0] as RegExp;
  const flags = patterns.some((p) => p.ignoreCase) ? "i" : "";
  return new RegExp(patterns.map((p) => `(?:${p.source})`).join("|"), flags);
}

/** Whether `lines` keeps the added lines a policy that declared `wanted` reads. */
export function serves(lines: LineSelection, wanted: LineSelection): boolean {
  if (lines === "all" || wanted === "none") return true;
  if (wanted === "all" || lines === "none") return false;
  return lines === wanted || lines.source.includes(`(?:${wanted.source})`);
}

/**
 * A pattern whose every match is ASCII text, so it matches a line's bytes read one byte per character (latin1)
 * exactly where it matches the line's UTF-8 text: literal ASCII characters, escaped punctuation, positive classes
 * of them, `|`, `?` and non-capturing groups, without the `u` or `v` flag (whose case folding maps non-ASCII
 * characters such as U+017F onto ASCII letters). `.`, `\w`, `\s`, negated classes and the like could match part of a
 * multi-byte character, so a pattern with them is not one.
 */
export function isAsciiPattern(pattern: RegExp): boolean {
  if (pattern.unicode || pattern.flags.includes("v")) return false;
  return SAFE_SOURCE.test(pattern.source);
}

const LITERAL = String.raw`[A-Za-z0-9_ :/@#%=,'"!&<>~-]`;
const ESCAPED = String.raw`\\[./\-_@:#+*?()[\]{}|$^]`;
const CLASS = String.raw`\[(?:[A-Za-z0-9_ .:/@#%=,'"!&<>~+*?()|$-]|\\[-\]\\.])+\]`;
const SAFE_SOURCE = new RegExp(String.raw`^(?:${LITERAL}|${ESCAPED}|${CLASS}|\(\?:|[)|?])*$`);
