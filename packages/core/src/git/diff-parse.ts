/**
 * Parser for the whole output of `git diff-tree --stdin -z --raw -p -U0 [--cc] [--root]` and `git diff --cached -z
 * --raw -p -U0`. Raw entries (NUL-separated, exact paths) are the authoritative file list; the patch that follows
 * gives added lines, matched to files by the `+++ b/<path>` header, so type changes split into two patches and quoted
 * names are handled. It works on the bytes and decodes only what it keeps: the added lines a LineSelection asks for.
 */
import { isUtf8 } from "node:buffer";
import { fileKind, type AddedLine, type FileChange, type LineSelection } from "../change/types.js";

export interface ParsedCommitDiff {
  /** The commit id, or null for a diff without a commit header (index against HEAD). */
  commit: string | null;
  files: FileChange[];
}

export interface ParseOptions {
  /** True for `diff-tree --stdin` output, where each commit's diff starts with its id. */
  commitHeaders: boolean;
  /** Which added lines to keep (default: all). */
  lines?: LineSelection;
}

/** Every commit's diff in `output`, in order. */
export function parseDiffOutput(output: Buffer, options: ParseOptions): ParsedCommitDiff[] {
  return parseDiffs(output, options, false).diffs;
}

/**
 * The diffs of the commits that are complete in `output`, the first part of a `diff-tree --stdin` output that git is
 * still writing, and how many bytes they take: the commit still being written is left for the next call.
 */
export function parseDiffPrefix(output: Buffer, options: ParseOptions): { diffs: ParsedCommitDiff[]; consumed: number } {
  return parseDiffs(output, options, true);
}

function parseDiffs(output: Buffer, options: ParseOptions, partial: boolean): { diffs: ParsedCommitDiff[]; consumed: number } {
  const filter = new LineFilter(output, options.lines ?? "all");
  const diffs: ParsedCommitDiff[] = [];
  let current: PendingDiff | null = options.commitHeaders ? null : { commit: null, raws: [], patchStart: -1, patchEnd: -1 };
  // Where the current commit's header starts: a partial parse stops there, as the commit may not be complete.
  let currentStart = 0;
  const finish = () => {
    if (current && (current.commit !== null || current.raws.length > 0)) diffs.push(toDiff(output, current, filter));
  };
  let meta: string | null = null;
  let paths: Buffer[] = [];
  let start = 0;
  const length = output.length;
  while (start < length) {
    let end = output.indexOf(0, start);
    if (end === -1) {
      // A token without its NUL is cut short, unless the output is whole (a patch ends the output).
      if (partial) return { diffs, consumed: currentStart };
      end = length;
    }
    const tokenStart = start;
    start = end + 1;
    // Inside a raw entry: the meta line is followed by one path (two for renames and copies).
    if (meta !== null) {
      paths.push(output.subarray(tokenStart, end));
      if (paths.length === pathCount(meta)) {
        current?.raws.push(makeRawEntry(meta, paths));
        meta = null;
        paths = [];
      }
      continue;
    }
    if (end === tokenStart) continue; // the separator between raw entries and the patch
    if (output[tokenStart] === 0x3a /* ':' */) {
      meta = output.toString("latin1", tokenStart, end);
      continue;
    }
    // A commit header, a patch, or a patch glued to the next commit header (patches hold no NUL).
    if (options.commitHeaders) {
      const lastNewline = output.lastIndexOf(0x0a, end - 1);
      const idStart = lastNewline < tokenStart ? tokenStart : lastNewline + 1;
      if ((end - idStart === 40 || end - idStart === 64) && isHex(output, idStart, end)) {
        if (current && idStart > tokenStart) setPatch(current, tokenStart, idStart);
        finish();
        current = { commit: output.toString("latin1", idStart, end), raws: [], patchStart: -1, patchEnd: -1 };
        currentStart = idStart;
        continue;
      }
    }
    if (current) setPatch(current, tokenStart, end);
  }
  if (partial) return { diffs, consumed: currentStart };
  finish();
  return { diffs, consumed: length };
}

interface PendingDiff {
  commit: string | null;
  raws: RawEntry[];
  /** The patch text's byte range in the output, or -1 when there is none. */
  patchStart: number;
  patchEnd: number;
}

function setPatch(diff: PendingDiff, start: number, end: number): void {
  if (diff.patchStart === -1) diff.patchStart = start;
  diff.patchEnd = end;
}

function toDiff(output: Buffer, pending: PendingDiff, filter: LineFilter): ParsedCommitDiff {
  const patches = pending.raws.length === 0 || pending.patchStart === -1 ? NO_PATCHES : parsePatchRange(output, pending.patchStart, pending.patchEnd, filter);
  const files = pending.raws.map((raw): FileChange => {
    const patch = patches.get(raw.path);
    return {
      path: raw.path,
      pathBytes: raw.pathBytes,
      oldPath: raw.oldPath,
      status: raw.status,
      mode: raw.mode,
      oid: raw.oid,
      kind: fileKind(raw.mode),
      binary: patch?.binary ?? false,
      addedLines: raw.mode === "160000" || patch === undefined ? [] : patch.added,
      size: null,
      commit: pending.commit,
    };
  });
  return { commit: pending.commit, files };
}

const NO_PATCHES: ReadonlyMap<string, FilePatch> = new Map();

function isHex(buffer: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buffer[i] as number;
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

interface RawEntry {
  path: string;
  pathBytes: Buffer;
  oldPath: string | null;
  status: string;
  mode: string;
  oid: string;
}

/** Renames and copies (`R100`, `C75`) name two paths; every other status one. */
function pathCount(meta: string): number {
  const status = meta.charCodeAt(meta.lastIndexOf(" ") + 1);
  return status === 0x52 /* R */ || status === 0x43 /* C */ ? 2 : 1;
}

/** `:old new oldoid newoid S` or, for combined diffs, `::m1 m2 m3 o1 o2 o3 SS`. `paths` are views the entry keeps. */
function makeRawEntry(meta: string, paths: Buffer[]): RawEntry {
  let colons = 0;
  while (meta.charCodeAt(colons) === 0x3a) colons++;
  const fields = meta.slice(colons).split(" ");
  const parents = colons;
  const mode = fields[parents] ?? "";
  const oid = fields[parents * 2 + 1] ?? "";
  const statusField = fields[parents * 2 + 2] ?? "M";
  const status = colons > 1 ? (statusField.includes("A") ? "A" : statusField.includes("D") && !/[AM]/.test(statusField) ? "D" : "M") : (statusField[0] ?? "M");
  const last = paths[paths.length - 1] ?? Buffer.alloc(0);
  return {
    path: decodePath(last),
    pathBytes: last,
    oldPath: paths.length > 1 && paths[0] ? decodePath(paths[0]) : null,
    status,
    mode,
    oid,
  };
}

interface FilePatch {
  added: AddedLine[];
  binary: boolean;
}

/**
 * Decides which added lines are kept. For a pattern it searches a latin1 view of the output, where each byte is one
 * character: the pattern is ASCII (see `asciiPattern`), so it matches there exactly where it matches the UTF-8 text.
 * The search runs forward only and remembers its next hit, so the output is scanned at most once.
 */
class LineFilter {
  private readonly pattern: RegExp | null;
  private text = "";
  private nextHit = -1;

  constructor(
    private readonly output: Buffer,
    readonly selection: LineSelection,
  ) {
    this.pattern = typeof selection === "string" ? null : new RegExp(selection.source, selection.flags.includes("g") ? selection.flags : `${selection.flags}g`);
  }

  /** Whether the added line at `[start, end)` of the output is kept. */
  keeps(start: number, end: number): boolean {
    if (this.pattern === null) return this.selection === "all";
    if (this.nextHit >= start) return this.nextHit < end;
    if (this.text === "") this.text = this.output.toString("latin1");
    this.pattern.lastIndex = start;
    const hit = this.pattern.exec(this.text);
    this.nextHit = hit === null ? Number.MAX_SAFE_INTEGER : hit.index;
    return this.nextHit < end;
  }
}

/** Added lines per destination path from a -U0 patch (plain or combined); exported for tests. */
export function parsePatch(input: Buffer | string, lines: LineSelection = "all"): Map<string, FilePatch> {
  const patch = typeof input === "string" ? Buffer.from(input, "utf8") : input;
  return parsePatchRange(patch, 0, patch.length, new LineFilter(patch, lines));
}

/** Added lines per destination path from the patch at `[from, to)` of `patch`; only kept lines are decoded. */
function parsePatchRange(patch: Buffer, from: number, to: number, filter: LineFilter): Map<string, FilePatch> {
  const result = new Map<string, FilePatch>();
  let section: Section | null = null;
  let inHunk = false;
  let columns = 1;
  let newLine = 0;
  const close = () => {
    if (section && (section.added.length > 0 || section.binary)) {
      const path = sectionPath(patch, section);
      if (path !== null) {
        const existing = result.get(path);
        if (existing) {
          for (const line of section.added) existing.added.push(line);
          existing.binary ||= section.binary;
        } else result.set(path, { added: section.added, binary: section.binary });
      }
    }
    section = null;
  };
  let start = from;
  while (start < to) {
    let end = patch.indexOf(0x0a, start);
    if (end === -1 || end > to) end = to;
    const lineStart = start;
    start = end + 1;
    const first = patch[lineStart];
    if (inHunk && section) {
      // Hunk lines start with +, -, space or backslash; anything else ends the hunk (a new file header).
      if (columns === 1) {
        if (first === 0x2b /* + */) {
          if (filter.keeps(lineStart + 1, end)) section.added.push({ line: newLine, text: patch.toString("utf8", lineStart + 1, end) });
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
        for (let i = lineStart; i < lineStart + columns && i < end; i++) {
          const c = patch[i];
          if (c === 0x2d) minus = true;
          if (c !== 0x2b) allPlus = false;
        }
        if (!minus) {
          const textStart = Math.min(lineStart + columns, end);
          if (allPlus && filter.keeps(textStart, end)) section.added.push({ line: newLine, text: patch.toString("utf8", textStart, end) });
          newLine++;
        }
        continue;
      } else if (first === 0x5c) continue;
    }
    if (first === 0x64 /* d */ && startsWith(patch, lineStart, end, DIFF)) {
      if (startsWith(patch, lineStart, end, DIFF_GIT) || startsWith(patch, lineStart, end, DIFF_CC) || startsWith(patch, lineStart, end, DIFF_COMBINED)) {
        close();
        section = { header: [lineStart, end], plus: null, renameTo: null, binary: false, added: [] };
        inHunk = false;
        continue;
      }
    }
    if (!section) continue;
    if (first === 0x40 /* @ */) {
      let ats = 0;
      while (lineStart + ats < end && patch[lineStart + ats] === 0x40) ats++;
      if (ats < 2) continue;
      inHunk = true;
      columns = ats - 1;
      newLine = hunkStart(patch, lineStart + ats, end);
      continue;
    }
    // Only these extended header lines matter (+++, rename/copy to, Binary files, deleted file mode); the rest
    // (index, ---, new/old mode, similarity) is skipped without being read.
    if (first === 0x2b && startsWith(patch, lineStart, end, PLUS_PLUS_PLUS)) section.plus = [lineStart + 4, end];
    else if (first === 0x72 && startsWith(patch, lineStart, end, RENAME_TO)) section.renameTo = [lineStart + RENAME_TO.length, end];
    else if (first === 0x63 && startsWith(patch, lineStart, end, COPY_TO)) section.renameTo = [lineStart + COPY_TO.length, end];
    else if (first === 0x42 && startsWith(patch, lineStart, end, BINARY)) section.binary = true;
    else if (first === 0x64 && startsWith(patch, lineStart, end, DELETED)) section.header = null;
  }
  close();
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

const DIFF = Buffer.from("diff --");
const DIFF_GIT = Buffer.from("diff --git ");
const DIFF_CC = Buffer.from("diff --cc ");
const DIFF_COMBINED = Buffer.from("diff --combined ");
const PLUS_PLUS_PLUS = Buffer.from("+++ ");
const RENAME_TO = Buffer.from("rename to ");
const COPY_TO = Buffer.from("copy to ");
const BINARY = Buffer.from("Binary files ");
const DELETED = Buffer.from("deleted file mode");

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

/**
 * The destination path named in a `diff --git a/X b/X` or `diff --cc X` header (read as latin1), when it can be read
 * unambiguously.
 */
function headerPath(line: string): string | null {
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

function stripPrefix(value: string, prefix: string): string {
  return value.startsWith(prefix) ? value.slice(prefix.length) : value;
}

const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, "\\": 92 };

/** A path as git printed it in a header (bytes read as latin1, maybe C-quoted), decoded like a raw path. */
function toPath(latin1: string): string {
  return decodePath(unquoteBytes(latin1));
}

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

/**
 * A path's bytes as text: UTF-8 when they are valid UTF-8, else with every byte from 0x80 up written as git writes it
 * with core.quotePath (`caf\351.key`), so a name that is not UTF-8 is shown exactly instead of as U+FFFD.
 */
export function decodePath(bytes: Buffer): string {
  if (isUtf8(bytes)) return bytes.toString("utf8");
  let out = "";
  for (const byte of bytes) out += byte < 0x80 ? String.fromCharCode(byte) : `\\${byte.toString(8).padStart(3, "0")}`;
  return out;
}
