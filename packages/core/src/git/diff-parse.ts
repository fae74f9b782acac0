/**
 * Parser for the output of `git diff-tree --stdin -z --raw -p -U0 [--cc] [--root]` and `git diff --cached -z
 * --raw -p -U0`. Raw entries (NUL-separated, exact paths) are the authoritative file list; the patch that follows
 * gives added lines, matched to files by the `+++ b/<path>` header, so type changes split into two patches and quoted
 * names are handled (patch-parse.ts). It works on the bytes and decodes only what it keeps.
 */
import { fileKind, type FileChange, type LineSelection } from "../change/types.js";
import { PatchScan, parsePatchRange, type FilePatch } from "./patch-parse.js";
import { decodePath } from "./quoted-path.js";

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
  const scan = new PatchScan(output, options.lines ?? "all");
  const diffs: ParsedCommitDiff[] = [];
  let current: PendingDiff | null = options.commitHeaders ? null : { commit: null, raws: [], patchStart: -1, patchEnd: -1 };
  // Where the current commit's header starts: a partial parse stops there, as the commit may not be complete.
  let currentStart = 0;
  const finish = () => {
    if (current && (current.commit !== null || current.raws.length > 0)) diffs.push(toDiff(output, current, scan));
  };
  let meta: RawMeta | null = null;
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
      if (paths.length === meta.paths) {
        current?.raws.push(makeRawEntry(meta, paths));
        meta = null;
        paths = [];
      }
      continue;
    }
    if (end === tokenStart) continue; // the separator between raw entries and the patch
    if (output[tokenStart] === 0x3a /* ':' */) {
      meta = readRawMeta(output, tokenStart, end);
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

function toDiff(output: Buffer, pending: PendingDiff, scan: PatchScan): ParsedCommitDiff {
  const patches = pending.raws.length === 0 || pending.patchStart === -1 ? NO_PATCHES : parsePatchRange(output, pending.patchStart, pending.patchEnd, scan);
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

/** The fields of a raw entry's meta line that the Change keeps. */
interface RawMeta {
  mode: string;
  oid: string;
  status: string;
  /** Renames and copies (`R100`, `C75`) name two paths; every other status one. */
  paths: 1 | 2;
}

/**
 * `:old new oldoid newoid S` or, for combined diffs, `::m1 m2 m3 o1 o2 o3 SS`, read from its bytes: a push has tens of
 * thousands, and splitting a string for each cost more than the rest of its entry.
 */
function readRawMeta(buffer: Buffer, start: number, end: number): RawMeta {
  let parents = 0;
  while (buffer[start + parents] === 0x3a) parents++;
  const meta: RawMeta = { mode: "", oid: "", status: "M", paths: 1 };
  let field = 0;
  let fieldStart = start + parents;
  for (let i = fieldStart; i <= end; i++) {
    if (i < end && buffer[i] !== 0x20) continue;
    if (field === parents) meta.mode = modeText(buffer, fieldStart, i);
    else if (field === parents * 2 + 1) meta.oid = buffer.toString("latin1", fieldStart, i);
    else if (field === parents * 2 + 2) {
      meta.status = parents > 1 ? combinedStatus(buffer.toString("latin1", fieldStart, i)) : String.fromCharCode(buffer[fieldStart] ?? 0x4d);
      if (parents === 1 && (meta.status === "R" || meta.status === "C")) meta.paths = 2;
    }
    field++;
    fieldStart = i + 1;
  }
  return meta;
}

/** A merge's file is added when any parent lacks it, deleted only when it is gone against every parent. */
function combinedStatus(field: string): string {
  if (field.includes("A")) return "A";
  return field.includes("D") && !/[AM]/.test(field) ? "D" : "M";
}

/** The mode's text, one shared string per mode (a push repeats the same few modes thousands of times). */
function modeText(buffer: Buffer, start: number, end: number): string {
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = (buffer[i] as number) - 48;
    if (digit < 0 || digit > 7) return buffer.toString("latin1", start, end);
    value = value * 8 + digit;
  }
  let text = MODES.get(value);
  if (text === undefined) {
    text = buffer.toString("latin1", start, end);
    if (MODES.size < 64) MODES.set(value, text);
  }
  return text;
}

const MODES = new Map<number, string>();

/**
 * One decoded path and one copy of its bytes per distinct path: a push names the same few paths in commit after
 * commit, and a view per entry would keep every read of the output alive for as long as the Change lives.
 */
function knownPath(view: Buffer): { path: string; bytes: Buffer } {
  const key = view.toString("latin1");
  let known = PATHS.get(key);
  if (known === undefined) {
    known = { path: decodePath(view), bytes: Buffer.from(view) };
    // Paths are the pusher's choice: only so many are remembered.
    if (PATHS.size < 65_536) PATHS.set(key, known);
  }
  return known;
}

const PATHS = new Map<string, { path: string; bytes: Buffer }>();

/** `paths` are views of the output. */
function makeRawEntry(meta: RawMeta, paths: Buffer[]): RawEntry {
  const known = knownPath(paths[paths.length - 1] ?? Buffer.alloc(0));
  return {
    path: known.path,
    pathBytes: known.bytes,
    oldPath: paths.length > 1 && paths[0] ? decodePath(paths[0]) : null,
    status: meta.status,
    mode: meta.mode,
    oid: meta.oid,
  };
}
