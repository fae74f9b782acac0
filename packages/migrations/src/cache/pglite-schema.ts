/**
 * PGlite's copies of built schemas: the data directory (the tarball PGlite dumps after a checkpoint, without the WAL
 * segments ahead of the one in use: wal-trim.ts), gzip-compressed at level 1, one cache entry (entry-file.ts) per key in
 * `<cache dir>/schema/`, within the size bound.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { gunzip, gzip } from "node:zlib";
import type { Database } from "../dynamic/database.js";
import { evict, readEntry, removeEntry, writeEntry } from "./entry-file.js";
import type { CacheOptions } from "./options.js";
import { withoutWalAhead } from "./wal-trim.js";

const KIND = "pglite-schema-1";
const SUFFIX = ".pglite";
const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);
/** The largest output buffer asked of zlib at once (a larger tarball is inflated in pieces of this size). */
const MAX_CHUNK = 256 * 1024 * 1024;

/** Which of `keys` have a copy on disk (one directory listing; whether a copy is sound is known only when it is read). */
export function storedKeys(dir: string, keys: readonly string[]): Set<string> {
  let names: string[];
  try {
    names = readdirSync(join(dir, "schema"));
  } catch {
    return new Set();
  }
  const present = new Set(names.filter((n) => n.endsWith(SUFFIX)).map((n) => n.slice(0, -SUFFIX.length)));
  return new Set(keys.filter((k) => present.has(k)));
}

/** The copy for `key`, opened, with the catalog digest stored with it; or why it could not be used (null: there is none). */
export async function loadPgliteCopy(
  dir: string,
  key: string,
  open: (dataDir: Uint8Array) => Promise<Database>,
): Promise<{ db: Database; catalog: string } | { ignored: string | null }> {
  const read = readEntry(fileOf(dir, key), KIND, key);
  if (!read.found) return { ignored: read.rejected };
  const catalog = read.header.meta["catalog"];
  if (catalog === undefined) return { ignored: "no catalog digest" };
  let tarball: Buffer;
  try {
    tarball = await inflate(read.payload);
  } catch (error) {
    return { ignored: `not a gzip stream (${(error as Error).message})` };
  }
  try {
    return { db: await open(tarball), catalog };
  } catch (error) {
    return { ignored: `PGlite could not load it (${(error as Error).message})` };
  }
}

/**
 * Inflates a stored tarball in one output buffer of the size gzip's trailer gives (the payload's checksum was checked,
 * so the trailer is the writer's): zlib's default 16 KiB chunks cost a round trip to the thread pool each and a copy
 * to join them, about 90 ms of 190 for the 48 MB tarball of a 300-migration history.
 */
function inflate(payload: Buffer): Promise<Buffer> {
  const size = payload.length >= 4 ? payload.readUInt32LE(payload.length - 4) : 0;
  const chunkSize = Math.min(Math.max(size + 1, 64 * 1024), MAX_CHUNK);
  return gunzipAsync(payload, { chunkSize });
}

/** Dumps `db` (after a checkpoint, so that loading it replays no WAL) as the copy for `key`; returns what that evicted. */
export async function storePgliteCopy(cache: CacheOptions, key: string, db: Database, catalog: string): Promise<() => Promise<string[]>> {
  if (db.dumpDataDir === undefined) return () => Promise.resolve([]);
  await db.exec("CHECKPOINT");
  const [position] = await db.rows<{ segment: string }>("SELECT pg_walfile_name(pg_current_wal_insert_lsn()) AS segment");
  const { tarball } = withoutWalAhead(await db.dumpDataDir(), position?.segment ?? "");
  // Compressed and written while the check goes on (zlib works off the main thread).
  const written = gzipAsync(tarball, { level: 1 }).then((payload) => {
    writeEntry(fileOf(cache.dir, key), { kind: KIND, key, meta: { catalog } }, payload);
    return evict(join(cache.dir, "schema"), cache.maxBytes, `${key}${SUFFIX}`);
  });
  written.catch(() => undefined); // awaited by the caller; never an unhandled rejection meanwhile
  return () => written;
}

export function removePgliteCopy(dir: string, key: string): void {
  removeEntry(fileOf(dir, key));
}

function fileOf(dir: string, key: string): string {
  return join(dir, "schema", `${key}${SUFFIX}`);
}
