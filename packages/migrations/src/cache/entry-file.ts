/**
 * One cache entry on disk: a header line (what it is, the key it was made for, the payload's length and CRC-32), then
 * the payload. Written to a temporary file and renamed into place, so a reader sees a whole entry or none; read back
 * only when every field checks out, so a truncated, altered or foreign file is reported and never used.
 */
import { randomBytes } from "node:crypto";
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeSync } from "node:fs";
import { join } from "node:path";
import { crc32 } from "node:zlib";

/** The first bytes of every entry; a new number means a new layout that older readers refuse. */
const MAGIC = "shipgate-cache 1\n";
/** Temporary files of writers (this one or one that was killed) end with this. */
const PARTIAL = ".partial";

export interface EntryHeader {
  /** What the payload is, e.g. `pglite-schema`. */
  kind: string;
  /** The key the entry was made for; a reader asks for one and refuses any other. */
  key: string;
  /** What the payload describes beyond the key, e.g. the catalog digest of a built schema. */
  meta: Record<string, string>;
}

export type ReadResult = { found: true; header: EntryHeader; payload: Buffer } | { found: false; rejected: string | null };

/** Reads the entry at `path` made for `kind` and `key`; `rejected` says why a file that is there cannot be used. */
export function readEntry(path: string, kind: string, key: string): ReadResult {
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { found: false, rejected: null };
    return { found: false, rejected: `unreadable: ${(error as Error).message}` };
  }
  const parsed = parseEntry(file);
  if ("rejected" in parsed) return { found: false, rejected: parsed.rejected };
  if (parsed.header.kind !== kind || parsed.header.key !== key) return { found: false, rejected: "made for another version or key" };
  touch(path);
  return { found: true, header: parsed.header, payload: parsed.payload };
}

/**
 * Writes the entry atomically (temporary file, rename), creating the directory. No fsync: a crash that leaves a torn
 * file costs one rebuild, since the reader checks length and checksum, and the cold run does not wait for the disk.
 */
export function writeEntry(path: string, header: EntryHeader, payload: Uint8Array): void {
  const dir = join(path, "..");
  mkdirSync(dir, { recursive: true });
  const line = JSON.stringify({ ...header, bytes: payload.length, crc32: crc32(payload) });
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString("hex")}${PARTIAL}`;
  const fd = openSync(temporary, "w", 0o600);
  try {
    writeSync(fd, `${MAGIC}${line}\n`);
    for (let offset = 0; offset < payload.length;) offset += writeSync(fd, payload, offset);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}

/** Removes the entry at `path` (a corrupt one, say); a file already gone is fine. */
export function removeEntry(path: string): void {
  rmSync(path, { force: true });
}

/**
 * Keeps the files of `dir` within `maxBytes`: the least recently used go first (a read touches its entry), never `keep`.
 * Temporary files of writers that stopped over an hour ago go too. Returns the names removed.
 */
export function evict(dir: string, maxBytes: number, keep: string | null = null): string[] {
  const files = safeList(dir).flatMap((name) => {
    try {
      const stat = statSync(join(dir, name));
      return stat.isFile() ? [{ name, bytes: stat.size, used: stat.mtimeMs }] : [];
    } catch {
      return []; // removed by another run meanwhile
    }
  });
  const removed: string[] = [];
  const hourAgo = Date.now() - 3_600_000;
  for (const file of files.filter((f) => f.name.endsWith(PARTIAL) && f.used < hourAgo)) {
    rmSync(join(dir, file.name), { force: true });
    removed.push(file.name);
  }
  const entries = files.filter((f) => !f.name.endsWith(PARTIAL)).sort((a, b) => b.used - a.used);
  let total = 0;
  for (const entry of entries) {
    if (entry.name === keep || total + entry.bytes <= maxBytes) {
      total += entry.bytes;
      continue;
    }
    rmSync(join(dir, entry.name), { force: true });
    removed.push(entry.name);
  }
  return removed;
}

function parseEntry(file: Buffer): { header: EntryHeader; payload: Buffer } | { rejected: string } {
  if (file.length < MAGIC.length || file.toString("latin1", 0, MAGIC.length) !== MAGIC) return { rejected: "not a shipgate cache file of this version" };
  const end = file.indexOf(10, MAGIC.length);
  if (end === -1) return { rejected: "truncated header" };
  let header: EntryHeader & { bytes: number; crc32: number };
  try {
    header = JSON.parse(file.toString("utf8", MAGIC.length, end)) as EntryHeader & { bytes: number; crc32: number };
  } catch {
    return { rejected: "unreadable header" };
  }
  const payload = file.subarray(end + 1);
  if (typeof header.bytes !== "number" || payload.length !== header.bytes)
    return { rejected: `${payload.length} payload bytes where the header says ${header.bytes}` };
  // CRC-32 finds truncation and flipped bytes at ~1 GB/s (SHA-256 took 5x as long on a 55 MB schema); whoever can write
  // the git dir can change its hooks too, so a cryptographic hash would defend nothing more.
  if (crc32(payload) !== header.crc32) return { rejected: "checksum mismatch" };
  return { header: { kind: header.kind, key: header.key, meta: header.meta ?? {} }, payload };
}

/** Marks an entry as used now, which eviction reads; a read-only git dir only loses the ordering. */
function touch(path: string): void {
  const now = new Date();
  try {
    utimesSync(path, now, now);
  } catch {
    // eviction then treats it as older than it is
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
