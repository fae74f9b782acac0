/**
 * The key of a built schema: everything that decides what the database holds after the previous release's migrations.
 * Two runs with the same key would build the same database, so the second may start from the first's copy.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { upText, type MigrationSource } from "../lint.js";
import { blobId } from "./blob-id.js";

/**
 * Bump when the way shipgate builds the previous schema changes (how statements are applied, bookkeeping tables a
 * layout's tool keeps, extensions preloaded): entries of the old builder then never match.
 */
export const SCHEMA_BUILDER_VERSION = 2;

export interface SchemaKeyInputs {
  /** The migrations applied, in order: their metadata (layout, names, transaction mode) and the blob id of what runs. */
  previous: readonly MigrationSource[];
  /** The engine and its version, e.g. `pglite 0.5.16` or `postgresql 170004`. */
  engine: string;
  /** Whatever else shapes the schema (extensions loaded, bookkeeping tables per layout): any JSON value. */
  inputs?: Readonly<Record<string, unknown>>;
}

/**
 * The keys of every prefix of the migrations: `keys[i]` is the key of the schema after the first `i` of them (`keys[0]`
 * an empty database). Each is a hex SHA-256 chained from the one before, so a cached copy of an older release (a prefix
 * of this one's migrations) is found and only the migrations after it are applied.
 */
export function schemaKeys(key: SchemaKeyInputs): string[] {
  const keys = [sha256(JSON.stringify({ builder: SCHEMA_BUILDER_VERSION, shipgate: packageVersion(), engine: key.engine, inputs: sorted(key.inputs ?? {}) }))];
  for (const source of key.previous) {
    const m = source.migration;
    const entry = JSON.stringify([m.layout, m.version, m.name, m.up, m.repeatable, m.transaction, blobId(upText(source))]);
    keys.push(sha256(`${keys[keys.length - 1] ?? ""}\n${entry}`));
  }
  return keys;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The digest of a catalog snapshot (dynamic/catalog.ts): a cached copy must show the catalog it was stored with. */
export function catalogDigest(catalog: readonly string[]): string {
  return sha256(catalog.join("\n"));
}

/** The version of the PGlite package this process loads (the engine of the embedded database). */
export function pgliteVersion(): string {
  const require = createRequire(import.meta.url);
  return `pglite ${versionNear(require.resolve("@electric-sql/pglite"))}`;
}

/** The version of this package (src/cache or dist/cache, two levels below its package.json). */
function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
}

/** The version in the nearest package.json with one above a resolved file of a package. */
function versionNear(file: string): string {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const { version } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version?: string };
      if (version !== undefined) return version;
    } catch {
      // not here; one level up
    }
  }
  return "unknown";
}

/** The value with object keys sorted, so that the same inputs always hash the same. */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, sorted(v)]),
    );
  }
  return value;
}
