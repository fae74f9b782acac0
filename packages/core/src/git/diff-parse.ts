/**
 * Streaming parser for `git diff-tree --stdin -z --raw -p -U0 [--cc] [--root]` and `git diff --cached -z --raw -p -U0`.
 * Raw entries (NUL-separated, exact paths) are the authoritative file list; the patch that follows gives added lines,
 * matched to files by the `+++ b/<path>` header, so type changes split into two patches and quoted names are handled.
 */
import { isUtf8 } from "node:buffer";
import { fileKind, type AddedLine, type FileChange } from "../change/types.js";

export interface ParsedCommitDiff {
  /** The commit id, or null for a diff without a commit header (index against HEAD). */
  commit: string | null;
  files: FileChange[];
}

/** Incremental tokenizer: feed chunks, get one callback per commit once its diff is complete. */
export class DiffStreamParser {
  private pending: Buffer[] = [];
  private pendingLength = 0;
  private current: { commit: string | null; raws: RawEntry[]; patches: Buffer[] } | null = null;
  private rawMeta: string | null = null;
  private rawPaths: Buffer[] = [];

  constructor(
    private readonly onCommit: (diff: ParsedCommitDiff) => void,
    private readonly withCommitHeaders: boolean,
  ) {
    if (!withCommitHeaders) this.current = { commit: null, raws: [], patches: [] };
  }

  push(chunk: Buffer): void {
    let start = 0;
    for (let nul = chunk.indexOf(0, start); nul !== -1; nul = chunk.indexOf(0, start)) {
      if (this.pendingLength > 0) {
        this.pending.push(chunk.subarray(start, nul));
        const token = Buffer.concat(this.pending, this.pendingLength + (nul - start));
        this.pending = [];
        this.pendingLength = 0;
        this.token(token, 0, token.length);
      } else this.token(chunk, start, nul);
      start = nul + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      this.pending.push(rest);
      this.pendingLength += rest.length;
    }
  }

  end(): void {
    if (this.pendingLength > 0) {
      const tail = Buffer.concat(this.pending, this.pendingLength);
      this.pending = [];
      this.pendingLength = 0;
      this.tail(tail);
    }
    this.flush();
  }

  /** The token `buffer[start, end)`: addressed by offsets, so the many small raw-entry tokens allocate no views. */
  private token(buffer: Buffer, start: number, end: number): void {
    // Inside a raw entry: the meta line is followed by one path (two for renames and copies).
    if (this.rawMeta !== null) {
      const meta = this.rawMeta;
      const needed = /[RC]\d*$/.test(meta.slice(meta.lastIndexOf(" ") + 1)) ? 2 : 1;
      const path = Buffer.allocUnsafe(end - start);
      buffer.copy(path, 0, start, end);
      this.rawPaths.push(path);
      if (this.rawPaths.length === needed) {
        this.current?.raws.push(makeRawEntry(meta, this.rawPaths));
        this.rawMeta = null;
        this.rawPaths = [];
      }
      return;
    }
    if (end > start && buffer[start] === 0x3a /* ':' */) {
      this.rawMeta = buffer.toString("latin1", start, end);
      return;
    }
    if (end === start) return; // separator between raw entries and the patch
    this.tail(buffer.subarray(start, end));
  }

  /** A token that is a commit header, a patch, or a patch glued to the next commit header. */
  private tail(token: Buffer): void {
    if (this.withCommitHeaders) {
      const lastNewline = token.lastIndexOf(0x0a);
      const oidLength = token.length - lastNewline - 1;
      if ((oidLength === 40 || oidLength === 64) && isHex(token, lastNewline + 1, token.length)) {
        if (lastNewline >= 0 && this.current) this.current.patches.push(token.subarray(0, lastNewline + 1));
        this.flush();
        this.current = { commit: token.toString("latin1", lastNewline + 1), raws: [], patches: [] };
        return;
      }
    }
    this.current?.patches.push(token);
  }

  private flush(): void {
    const current = this.current;
    if (!current) return;
    if (this.withCommitHeaders) this.current = null;
    else this.current = { commit: null, raws: [], patches: [] };
    if (current.commit === null && current.raws.length === 0) return;
    const patch = current.patches.length === 1 ? (current.patches[0] as Buffer) : Buffer.concat(current.patches);
    const patches = current.raws.length === 0 ? new Map<string, FilePatch>() : parsePatch(patch);
    const files = current.raws.map((raw): FileChange => {
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
        addedLines: raw.mode === "160000" ? [] : (patch?.added ?? []),
        size: null,
        commit: current.commit,
      };
    });
    this.onCommit({ commit: current.commit, files });
  }
}

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

/** `:old new oldoid newoid S` or, for combined diffs, `::m1 m2 m3 o1 o2 o3 SS`. */
/** `paths` are copies the entry may keep. */
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

/** Added lines per destination path from a -U0 patch (plain or combined). Works on bytes: only added lines are decoded. */
export function parsePatch(input: Buffer | string): Map<string, FilePatch> {
  const patch = typeof input === "string" ? Buffer.from(input, "utf8") : input;
  const result = new Map<string, FilePatch>();
  if (patch.length === 0) return result;
  // `header` is the `diff --git` line, read for a path only when no `+++` or `rename to` line names one.
  let section: { path: string | null; header: string | null; renameTo: string | null; binary: boolean; added: AddedLine[] } | null = null;
  let inHunk = false;
  let columns = 1;
  let newLine = 0;
  const close = () => {
    if (!section) return;
    const path = section.path ?? section.renameTo ?? (section.header === null ? null : headerPath(section.header));
    if (path !== null) {
      const existing = result.get(path);
      if (existing) {
        for (const line of section.added) existing.added.push(line);
        existing.binary ||= section.binary;
      } else result.set(path, { added: section.added, binary: section.binary });
    }
    section = null;
  };
  const length = patch.length;
  let start = 0;
  while (start < length) {
    let end = patch.indexOf(0x0a, start);
    if (end === -1) end = length;
    const lineStart = start;
    start = end + 1;
    const first = patch[lineStart];
    if (inHunk && section) {
      // Hunk lines start with +, -, space or backslash; anything else ends the hunk (a new file header).
      if (columns === 1) {
        if (first === 0x2b /* + */) {
          section.added.push({ line: newLine++, text: patch.toString("utf8", lineStart + 1, end) });
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
          if (allPlus) section.added.push({ line: newLine, text: patch.toString("utf8", Math.min(lineStart + columns, end), end) });
          newLine++;
        }
        continue;
      } else if (first === 0x5c) continue;
    }
    // Header lines are read byte for byte (latin1); the paths in them are decoded like raw paths (decodePath).
    if (first === 0x64 /* d */ && startsWith(patch, lineStart, end, DIFF)) {
      const line = patch.toString("latin1", lineStart, end);
      if (line.startsWith("diff --git ") || line.startsWith("diff --cc ") || line.startsWith("diff --combined ")) {
        close();
        section = { path: null, header: line, renameTo: null, binary: false, added: [] };
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
    if (first !== 0x2b && first !== 0x72 && first !== 0x63 && first !== 0x42 && first !== 0x64) continue;
    const line = patch.toString("latin1", lineStart, end);
    if (line.startsWith("+++ ")) {
      // git appends a TAB after names with spaces; an unquoted name never contains a literal tab.
      const target = line.slice(4).replace(/\t$/, "");
      section.path = target === "/dev/null" ? null : stripPrefix(toPath(target), "b/");
      if (target === "/dev/null") section.header = null;
    } else if (line.startsWith("rename to ") || line.startsWith("copy to ")) {
      section.renameTo = toPath(line.slice(line.indexOf(" to ") + 4));
    } else if (line.startsWith("Binary files ")) {
      section.binary = true;
    } else if (line.startsWith("deleted file mode")) {
      section.header = null;
    }
  }
  close();
  return result;
}

const DIFF = Buffer.from("diff --");

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
