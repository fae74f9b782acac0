/**
 * The previous release's schema for the dynamic check: a copy from the cache when it holds one for exactly these
 * migrations (schema-key.ts); otherwise the copy of the longest prefix of them that it holds (an older release), with
 * only the migrations after it applied, or an empty database; and what was built is then stored. On PGlite a copy is
 * the data directory, kept in the git dir (pglite-schema.ts); on a PostgreSQL server it is a template database
 * (server-template.ts). A copy is used only when its catalog matches the digest stored with it; anything else is
 * reported in debug, removed and rebuilt.
 */
import { createDebug } from "@shipgate/core/debug";
import { snapshotCatalog } from "../dynamic/catalog.js";
import { openPglite, openServer, type Database } from "../dynamic/database.js";
import type { MigrationSource } from "../lint.js";
import type { CacheOptions } from "./options.js";
import { loadPgliteCopy, removePgliteCopy, storedKeys, storePgliteCopy } from "./pglite-schema.js";
import { catalogDigest, pgliteVersion, schemaKeys } from "./schema-key.js";
import { openTemplates } from "./server-template.js";

const debug = createDebug("shipgate:cache");

export interface PreviousSchemaRequest {
  /** The previous release's migrations, in order. */
  previous: readonly MigrationSource[];
  /** A PostgreSQL server URL; PGlite when absent. */
  databaseUrl?: string | undefined;
  /** The repository's caches, or null to build every time. */
  cache: CacheOptions | null;
  /** Whatever else shapes the schema (extensions loaded, bookkeeping tables): part of the key. */
  inputs?: Readonly<Record<string, unknown>>;
  /** Opens PGlite, from a data directory tarball when given; the caller's own options (extensions) go here. */
  openPglite?: (dataDir?: Uint8Array) => Promise<Database>;
}

/** Where the schema came from: a valid cached copy, built now (and stored), or built with no cache at all. */
export type SchemaSource = "cache" | "built" | "uncached";

export interface PreviousSchema {
  db: Database;
  /** The catalog after the previous release's migrations; null when one of them failed to apply (nothing is stored). */
  before: string[] | null;
  source: SchemaSource;
  /** How many of the migrations came from a cached copy (all of them for `cache`, a prefix or none for `built`). */
  reused: number;
  /** Why a cached copy that was there was not used (damaged, another version, another catalog), or null. */
  ignored: string | null;
}

/**
 * Applies `migrations` (the previous release's after those a cached copy holds, in order) to `db`; true when every one
 * applied. `fresh`: `db` is a new, empty database rather than a copy (so the tools' bookkeeping tables are not there yet).
 */
export type ApplyPrevious = (db: Database, migrations: readonly MigrationSource[], fresh: boolean) => Promise<boolean>;

/** Opens a database holding the previous release's schema; the caller closes `db` (which waits for the cache write). */
export async function openPreviousSchema(request: PreviousSchemaRequest, apply: ApplyPrevious): Promise<PreviousSchema> {
  const url = request.databaseUrl;
  const all = request.previous;
  if (url)
    return request.cache === null || all.length === 0 ? build(await openServer(url), apply, all, "uncached", 0, null, true) : fromTemplate(url, request, apply);
  const open = request.openPglite ?? ((dataDir?: Uint8Array) => openPglite({ dataDir }));
  return request.cache === null ? build(await open(), apply, all, "uncached", 0, null, true) : fromPgliteCopy(request, request.cache, open, apply);
}

async function fromPgliteCopy(
  request: PreviousSchemaRequest,
  cache: CacheOptions,
  open: (dataDir?: Uint8Array) => Promise<Database>,
  apply: ApplyPrevious,
): Promise<PreviousSchema> {
  const all = request.previous;
  const keys = schemaKeys({ previous: all, engine: pgliteVersion(), ...(request.inputs ? { inputs: request.inputs } : {}) });
  const stored = storedKeys(cache.dir, keys);
  let ignored: string | null = null;
  // The newest copy first: all the migrations, else the longest prefix of them (an older release's schema).
  for (let count = all.length; count >= 0; count--) {
    const key = keys[count] ?? "";
    if (!stored.has(key)) continue;
    const copy = await loadVerified(cache.dir, key, open);
    if ("ignored" in copy) {
      ignored ??= copy.ignored;
      debug(`ignored the cached schema ${key.slice(0, 12)}: ${copy.ignored}; it is rebuilt`);
      removePgliteCopy(cache.dir, key);
      continue;
    }
    if (count === all.length) {
      debug(`previous schema from the cache (${count} migrations, key ${key.slice(0, 12)})`);
      return { db: copy.db, before: copy.before, source: "cache", reused: count, ignored };
    }
    debug(`previous schema: ${count} of ${all.length} migrations from the cache (key ${key.slice(0, 12)})`);
    return storeBuilt(await build(copy.db, apply, all.slice(count), "built", count, ignored, false), cache, keys[all.length] ?? "");
  }
  return storeBuilt(await build(await open(), apply, all, "built", 0, ignored, true), cache, keys[all.length] ?? "");
}

/** A cached copy, opened, whose catalog matches the digest stored with it. */
async function loadVerified(
  dir: string,
  key: string,
  open: (dataDir: Uint8Array) => Promise<Database>,
): Promise<{ db: Database; before: string[] } | { ignored: string }> {
  const loaded = await loadPgliteCopy(dir, key, open);
  if ("ignored" in loaded) return { ignored: loaded.ignored ?? "gone" };
  const before = await snapshotCatalog(loaded.db).catch((error: unknown) => `its catalog cannot be read (${(error as Error).message})`);
  if (typeof before !== "string" && catalogDigest(before) === loaded.catalog) return { db: loaded.db, before };
  await loaded.db.close();
  return { ignored: typeof before === "string" ? before : "its catalog differs from the one stored with it" };
}

/** Stores what was built; closing the database waits for the write (the CLI exits right after the check). */
async function storeBuilt(built: PreviousSchema, cache: CacheOptions, key: string): Promise<PreviousSchema> {
  if (built.before === null) return built;
  const written = await storePgliteCopy(cache, key, built.db, catalogDigest(built.before));
  const stored = written().then(
    (evicted) => debug(`stored the schema ${key.slice(0, 12)}${evicted.length > 0 ? `; evicted ${evicted.join(", ")}` : ""}`),
    (error: unknown) => debug(`the schema was not stored: ${(error as Error).message}`),
  );
  const db = built.db;
  return { ...built, db: { ...db, close: () => Promise.all([db.close(), stored]).then(() => undefined) } };
}

async function fromTemplate(url: string, request: PreviousSchemaRequest, apply: ApplyPrevious): Promise<PreviousSchema> {
  const all = request.previous;
  const templates = await openTemplates(url);
  try {
    const keys = schemaKeys({ previous: all, engine: templates.engine, ...(request.inputs ? { inputs: request.inputs } : {}) });
    const found = await templates.newest(keys);
    let ignored = found.ignored;
    if (found.name !== null && found.count === all.length) {
      const db = await openServer(url, { template: found.name });
      const before = await snapshotCatalog(db);
      if (catalogDigest(before) === found.catalog) {
        await templates.touch(found.name, keys[all.length] ?? "", found.catalog).catch(() => undefined); // only eviction's order
        debug(`previous schema from template ${found.name} (${all.length} migrations)`);
        return { db, before, source: "cache", reused: all.length, ignored };
      }
      await db.close();
      ignored ??= "its catalog differs from the one stored with it";
      debug(`ignored template ${found.name}: ${ignored}; it is rebuilt`);
      await templates.drop(found.name).catch(() => undefined); // another role's template: left alone, and not used
    }
    const prefix = found.name !== null && found.count < all.length ? found : null;
    const built = await templates.build(keys[all.length] ?? "", prefix, async (db, reused, fresh) =>
      (await apply(db, all.slice(reused), fresh)) ? snapshotCatalog(db) : null,
    );
    if (built.ignored !== null) ignored ??= built.ignored;
    if ("failed" in built) return { db: built.failed, before: null, source: "built", reused: built.reused, ignored };
    const evicted = await templates.evict(request.cache?.maxTemplates ?? 1, built.name);
    debug(
      `built template ${built.name} (${built.reused} of ${all.length} migrations from a template)${evicted.length > 0 ? `; evicted ${evicted.join(", ")}` : ""}`,
    );
    // The copy is checked too: another run may have put its own template under this name first.
    const db = await openServer(url, { template: built.name });
    if (catalogDigest(await snapshotCatalog(db)) === catalogDigest(built.catalog))
      return { db, before: built.catalog, source: "built", reused: built.reused, ignored };
    await db.close();
    debug(`template ${built.name} does not show the schema just built; this run builds its own, uncached`);
    return build(await openServer(url), apply, all, "uncached", 0, "the template under this key shows another schema", true);
  } finally {
    await templates.close();
  }
}

async function build(
  db: Database,
  apply: ApplyPrevious,
  migrations: readonly MigrationSource[],
  source: SchemaSource,
  reused: number,
  ignored: string | null,
  fresh: boolean,
): Promise<PreviousSchema> {
  if (!(await apply(db, migrations, fresh))) return { db, before: null, source, reused, ignored };
  return { db, before: await snapshotCatalog(db), source, reused, ignored };
}
