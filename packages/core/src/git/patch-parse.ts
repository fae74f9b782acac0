/**
 * Added lines from a -U0 patch (plain or combined), on the bytes. A file's section is read line by line only when it
 * may hold a line the run keeps; the others are stepped over by searching for the next section header, so a push of
 * ordinary code costs a few searches per file instead of a look at every line.
 */
import type { AddedLine, LineSelection } from "../change/types.js";
import { headerPath, stripPrefix, toPath } from "./quoted-path.js";

export interface FilePatch {
  added: AddedLine[];
  binary: boolean;
}

/**
 * Searches over one diff output: section headers, hunks, `Binary files` lines and the lines a selection keeps. The
 * header searches run forward only and remember their next hit, so each crosses the output at most once.
 *
 * A pattern is tested on a latin1 reading of the bytes, where each byte is one character: the pattern is ASCII (see
 * `isAsciiPattern`), so it matches there exactly where it matches the UTF-8 text. It is tested on one section's hunks
 * at a time, never on raw entries, headers or other commits, so the bytes it reads are the patch text itself.
 */
export class PatchScan {
  private readonly pattern: RegExp | null;
  private nextSection = -1;
  private nextHunk = -1;
  private nextBinary = -1;

  constructor(
    private readonly output: Buffer,
    readonly selection: LineSelection,
  ) {
    this.pattern = typeof selection === "string" ? null : new RegExp(selection.source, selection.flags.replace("g", "").replace("y", ""));
  }

  /** Whether the added line at `[start, end)` of the output is kept. */
  keeps(start: number, end: number): boolean {
    if (this.pattern === null) return this.selection === "all";
    return this.pattern.test(this.output.toString("latin1", start, end));
  }

  /**
   * Whether the section `[start, end)` may hold a kept line: it has hunks and, for a pattern, it matches in a run of
   * lines that start with `+` there. Every added line does (`+` in a patch, all `+` in a combined one) and a match never
   * spans lines (see `isAsciiPattern`), so no kept line is missed; removed lines, which are half of an edit, go untested.
   */
  wants(start: number, end: number): boolean {
    if (this.pattern === null) return this.selection === "all";
    if (this.nextHunk < start) {
      const at = this.output.indexOf(NEWLINE_HUNK, start);
      this.nextHunk = at === -1 ? Number.MAX_SAFE_INTEGER : at + 1;
    }
    return this.nextHunk < end && this.plusLinesMatch(this.pattern, this.nextHunk, end);
  }

  /** Whether `pattern` matches in one of the runs of lines starting with `+` in `[from, end)`, which starts a line. */
  private plusLinesMatch(pattern: RegExp, from: number, end: number): boolean {
    const output = this.output;
    for (let at = from; ;) {
      const newline = output.indexOf(NEWLINE_PLUS, at);
      if (newline === -1 || newline + 1 >= end) return false;
      const runStart = newline + 1;
      let lineStop = output.indexOf(0x0a, runStart);
      while (lineStop !== -1 && lineStop + 1 < end && output[lineStop + 1] === 0x2b /* + */) lineStop = output.indexOf(0x0a, lineStop + 1);
      const runEnd = lineStop === -1 || lineStop > end ? end : lineStop;
      if (pattern.test(output.toString("latin1", runStart, runEnd))) return true;
      at = runEnd;
    }
  }

  /** Where the first section header line (`diff --git`, `--cc`, `--combined`) after position `from` starts, or `to`. */
  sectionAfter(from: number, to: number): number {
    while (this.nextSection <= from) {
      const at = this.output.indexOf(NEWLINE_DIFF, from);
      if (at === -1) this.nextSection = Number.MAX_SAFE_INTEGER;
      else if (isSectionHeader(this.output, at + 1, this.output.length)) this.nextSection = at + 1;
      else from = at + 1; // a `diff --` line of another kind: search on
    }
    return Math.min(this.nextSection, to);
  }

  /** Whether a `Binary files ... differ` line lies in `[start, end)`. */
  binaryWithin(start: number, end: number): boolean {
    if (this.nextBinary < start) {
      const at = this.output.indexOf(NEWLINE_BINARY, Math.max(start - 1, 0));
      this.nextBinary = at === -1 ? Number.MAX_SAFE_INTEGER : at + 1;
    }
    return this.nextBinary < end;
  }
}

/** Added lines per destination path from a -U0 patch; exported for tests. */
export function parsePatch(input: Buffer | string, lines: LineSelection = "all"): Map<string, FilePatch> {
  const patch = typeof input === "string" ? Buffer.from(input, "utf8") : input;
  return parsePatchRange(patch, 0, patch.length, new PatchScan(patch, lines));
}

/** Added lines per destination path from the patch at `[from, to)` of the scanned output; only kept lines are decoded. */
export function parsePatchRange(patch: Buffer, from: number, to: number, scan: PatchScan): Map<string, FilePatch> {
  const result = new Map<string, FilePatch>();
  // One test over the whole range first: most commits keep no line, and then no section needs its own test.
  const anyWanted = scan.wants(from, to);
  // Nor does most of a push hold a binary: then no section needs reading at all.
  if (!anyWanted && !scan.binaryWithin(from, to)) return result;
  // The range starts at a line start (after a NUL); any later section header follows a newline.
  for (let start = isSectionHeader(patch, from, to) ? from : scan.sectionAfter(from, to); start < to;) {
    const end = scan.sectionAfter(start, to);
    const binary = scan.binaryWithin(start, end);
    if (binary || (anyWanted && scan.wants(start, end))) {
      const section = readSection(patch, start, end, scan);
      const path = section.added.length > 0 || section.binary ? sectionPath(patch, section) : null;
      if (path !== null) {
        const existing = result.get(path);
        if (existing) {
          for (const line of section.added) existing.added.push(line);
          existing.binary ||= section.binary;
        } else result.set(path, { added: section.added, binary: section.binary });
      }
    }
    start = end;
  }
  return result;
}

type Range = [start: number, end: number];

interface Section {
  /** The `diff --git` line, read for a path only when no `+++` or `rename to` line names one (null once deleted). */
  header: Range | null;
  /** The name after `+++ `. */
  plus: Range | null;
  renameTo: Range | null;
  binary: boolean;
  added: AddedLine[];
}

/** One file's section `[start, end)`, which starts with its `diff --` header line. */
function readSection(patch: Buffer, start: number, end: number, scan: PatchScan): Section {
  const headerEnd = lineEnd(patch, start, end);
  const section: Section = { header: [start, headerEnd], plus: null, renameTo: null, binary: false, added: [] };
  let inHunk = false;
  let columns = 1;
  let newLine = 0;
  for (let lineStart = headerEnd + 1; lineStart < end;) {
    const lineStop = lineEnd(patch, lineStart, end);
    const first = patch[lineStart];
    const at = lineStart;
    lineStart = lineStop + 1;
    if (inHunk) {
      // Hunk lines start with +, -, space or backslash; anything else ends the hunk.
      if (columns === 1) {
        if (first === 0x2b /* + */) {
          if (scan.keeps(at + 1, lineStop)) section.added.push({ line: newLine, text: patch.toString("utf8", at + 1, lineStop) });
          newLine++;
          continue;
        }
        if (first === 0x20 /* space */) {
          newLine++;
          continue;
        }
        if (first === 0x2d /* - */ || first === 0x5c /* \ */) continue;
      } else if (first === 0x2b || first === 0x20 || first === 0x2d) {
        let minus = false;
        let allPlus = true;
        for (let i = at; i < at + columns && i < lineStop; i++) {
          const c = patch[i];
          if (c === 0x2d) minus = true;
          if (c !== 0x2b) allPlus = false;
        }
        if (!minus) {
          const textStart = Math.min(at + columns, lineStop);
          if (allPlus && scan.keeps(textStart, lineStop)) section.added.push({ line: newLine, text: patch.toString("utf8", textStart, lineStop) });
          newLine++;
        }
        continue;
      } else if (first === 0x5c) continue;
    }
    if (first === 0x40 /* @ */) {
      let ats = 0;
      while (at + ats < lineStop && patch[at + ats] === 0x40) ats++;
      if (ats < 2) continue;
      inHunk = true;
      columns = ats - 1;
      newLine = hunkStart(patch, at + ats, lineStop);
      continue;
    }
    inHunk = false;
    // Only these extended header lines matter (+++, rename/copy to, Binary files, deleted file mode); the rest
    // (index, ---, new/old mode, similarity) is skipped without being read.
    if (first === 0x2b && startsWith(patch, at, lineStop, PLUS_PLUS_PLUS)) section.plus = [at + 4, lineStop];
    else if (first === 0x72 && startsWith(patch, at, lineStop, RENAME_TO)) section.renameTo = [at + RENAME_TO.length, lineStop];
    else if (first === 0x63 && startsWith(patch, at, lineStop, COPY_TO)) section.renameTo = [at + COPY_TO.length, lineStop];
    else if (first === 0x42 && startsWith(patch, at, lineStop, BINARY)) section.binary = true;
    else if (first === 0x64 && startsWith(patch, at, lineStop, DELETED)) section.header = null;
  }
  return section;
}

/** The destination path a patch section names, decoded like a raw path; null for deletions and unreadable headers. */
function sectionPath(patch: Buffer, section: Section): string | null {
  if (section.plus !== null) {
    // git appends a TAB after names with spaces; an unquoted name never contains a literal tab.
    const target = patch.toString("latin1", section.plus[0], section.plus[1]).replace(/\t$/, "");
    if (target !== "/dev/null") return stripPrefix(toPath(target), "b/");
    return null;
  }
  if (section.renameTo !== null) return toPath(patch.toString("latin1", section.renameTo[0], section.renameTo[1]));
  return section.header === null ? null : headerPath(patch.toString("latin1", section.header[0], section.header[1]));
}

const NEWLINE_DIFF = Buffer.from("\ndiff --");
const NEWLINE_HUNK = Buffer.from("\n@@");
const NEWLINE_PLUS = Buffer.from("\n+");
const NEWLINE_BINARY = Buffer.from("\nBinary files ");
const DIFF_GIT = Buffer.from("diff --git ");
const DIFF_CC = Buffer.from("diff --cc ");
const DIFF_COMBINED = Buffer.from("diff --combined ");
const PLUS_PLUS_PLUS = Buffer.from("+++ ");
const RENAME_TO = Buffer.from("rename to ");
const COPY_TO = Buffer.from("copy to ");
const BINARY = Buffer.from("Binary files ");
const DELETED = Buffer.from("deleted file mode");

function isSectionHeader(buffer: Buffer, start: number, end: number): boolean {
  return startsWith(buffer, start, end, DIFF_GIT) || startsWith(buffer, start, end, DIFF_CC) || startsWith(buffer, start, end, DIFF_COMBINED);
}

function lineEnd(buffer: Buffer, start: number, end: number): number {
  const newline = buffer.indexOf(0x0a, start);
  return newline === -1 || newline > end ? end : newline;
}

function startsWith(buffer: Buffer, start: number, end: number, prefix: Buffer): boolean {
  if (end - start < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (buffer[start + i] !== prefix[i]) return false;
  return true;
}

/** The first line of the new side in a hunk header's ranges (` -a,b +c,d @@`, or several `-` ranges for merges). */
function hunkStart(buffer: Buffer, start: number, end: number): number {
  let i = buffer.indexOf(0x2b /* + */, start);
  if (i === -1 || i >= end) return 0;
  let value = 0;
  for (i++; i < end; i++) {
    const c = buffer[i] as number;
    if (c < 48 || c > 57) break;
    value = value * 10 + (c - 48);
  }
  return value;
}
