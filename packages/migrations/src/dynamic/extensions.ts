/**
 * Extensions the migrations create, and on PGlite the bundled modules that provide them: PGlite ships pgcrypto, ltree,
 * pg_trgm, uuid-ossp, citext, hstore and more as contrib modules that must be loaded when the database starts.
 */
import type { Extension } from "@electric-sql/pglite";
import { downSql, downText, upSql, upText, type MigrationSource } from "../lint.js";
import type { Statement } from "../sql/parse.js";

type Loader = () => Promise<Extension>;

/**
 * Every extension PGlite bundles (`@electric-sql/pglite/contrib/<module>`), by the name CREATE EXTENSION uses. Loaded
 * only when a migration asks for it; a test keeps this list in step with the installed PGlite.
 */
const BUNDLED: Readonly<Record<string, Loader>> = {
  amcheck: async () => (await import("@electric-sql/pglite/contrib/amcheck")).amcheck,
  bloom: async () => (await import("@electric-sql/pglite/contrib/bloom")).bloom,
  btree_gin: async () => (await import("@electric-sql/pglite/contrib/btree_gin")).btree_gin,
  btree_gist: async () => (await import("@electric-sql/pglite/contrib/btree_gist")).btree_gist,
  citext: async () => (await import("@electric-sql/pglite/contrib/citext")).citext,
  cube: async () => (await import("@electric-sql/pglite/contrib/cube")).cube,
  dict_int: async () => (await import("@electric-sql/pglite/contrib/dict_int")).dict_int,
  dict_xsyn: async () => (await import("@electric-sql/pglite/contrib/dict_xsyn")).dict_xsyn,
  earthdistance: async () => (await import("@electric-sql/pglite/contrib/earthdistance")).earthdistance,
  file_fdw: async () => (await import("@electric-sql/pglite/contrib/file_fdw")).file_fdw,
  fuzzystrmatch: async () => (await import("@electric-sql/pglite/contrib/fuzzystrmatch")).fuzzystrmatch,
  hstore: async () => (await import("@electric-sql/pglite/contrib/hstore")).hstore,
  intarray: async () => (await import("@electric-sql/pglite/contrib/intarray")).intarray,
  isn: async () => (await import("@electric-sql/pglite/contrib/isn")).isn,
  lo: async () => (await import("@electric-sql/pglite/contrib/lo")).lo,
  ltree: async () => (await import("@electric-sql/pglite/contrib/ltree")).ltree,
  moddatetime: async () => (await import("@electric-sql/pglite/contrib/moddatetime")).moddatetime,
  pageinspect: async () => (await import("@electric-sql/pglite/contrib/pageinspect")).pageinspect,
  pg_buffercache: async () => (await import("@electric-sql/pglite/contrib/pg_buffercache")).pg_buffercache,
  pg_freespacemap: async () => (await import("@electric-sql/pglite/contrib/pg_freespacemap")).pg_freespacemap,
  pg_stat_statements: async () => (await import("@electric-sql/pglite/contrib/pg_stat_statements")).pg_stat_statements,
  pg_surgery: async () => (await import("@electric-sql/pglite/contrib/pg_surgery")).pg_surgery,
  pg_trgm: async () => (await import("@electric-sql/pglite/contrib/pg_trgm")).pg_trgm,
  pg_visibility: async () => (await import("@electric-sql/pglite/contrib/pg_visibility")).pg_visibility,
  pg_walinspect: async () => (await import("@electric-sql/pglite/contrib/pg_walinspect")).pg_walinspect,
  pgcrypto: async () => (await import("@electric-sql/pglite/contrib/pgcrypto")).pgcrypto,
  seg: async () => (await import("@electric-sql/pglite/contrib/seg")).seg,
  tablefunc: async () => (await import("@electric-sql/pglite/contrib/tablefunc")).tablefunc,
  tcn: async () => (await import("@electric-sql/pglite/contrib/tcn")).tcn,
  tsm_system_rows: async () => (await import("@electric-sql/pglite/contrib/tsm_system_rows")).tsm_system_rows,
  tsm_system_time: async () => (await import("@electric-sql/pglite/contrib/tsm_system_time")).tsm_system_time,
  unaccent: async () => (await import("@electric-sql/pglite/contrib/unaccent")).unaccent,
  "uuid-ossp": async () => (await import("@electric-sql/pglite/contrib/uuid_ossp")).uuid_ossp,
};

/** Extensions a bundled one needs (CREATE EXTENSION ... CASCADE installs them, so their modules must be loaded too). */
const REQUIRES: Readonly<Record<string, readonly string[]>> = { earthdistance: ["cube"] };

/** Built into PGlite itself. */
const BUILT_IN = new Set(["plpgsql"]);

/** The extension names PGlite bundles, sorted (for messages). */
export const PGLITE_BUNDLED: readonly string[] = Object.keys(BUNDLED).sort();

/** The extension a statement creates, or null: `CREATE EXTENSION [IF NOT EXISTS] name`. */
export function createdExtension(statement: Statement): string | null {
  if (statement.kind !== "CreateExtensionStmt") return null;
  const name = statement.node["extname"];
  return typeof name === "string" ? name : null;
}

/**
 * Every extension the migrations' ups and downs create, sorted, without duplicates. Only texts that contain the keyword
 * are parsed (a CREATE EXTENSION spells it out): on a long history the others were most of the gate's parse-cache reads.
 */
export function requestedExtensions(sources: readonly MigrationSource[]): string[] {
  const names = new Set<string>();
  for (const source of sources) {
    const parsed = [mentionsExtension(upText(source)) ? upSql(source) : null, mentionsExtension(downText(source)) ? downSql(source) : null];
    for (const sql of parsed) {
      for (const statement of sql?.statements ?? []) {
        const name = createdExtension(statement);
        if (name !== null) names.add(name);
      }
    }
  }
  return [...names].sort();
}

function mentionsExtension(text: string | null): boolean {
  return text !== null && /extension/i.test(text);
}

export interface PgliteExtensions {
  /** Extension modules to hand to `PGlite.create({ extensions })`, by name. */
  modules: Record<string, Extension>;
  /** The requested names that PGlite bundles (what the report lists). */
  loaded: string[];
  /** The requested names that PGlite does not have. */
  missing: string[];
}

/** Loads the bundled modules of the requested extensions (and what they require); names the ones PGlite lacks. */
export async function pgliteExtensions(requested: readonly string[]): Promise<PgliteExtensions> {
  const loaded = requested.filter((name) => BUNDLED[name] !== undefined);
  const missing = requested.filter((name) => BUNDLED[name] === undefined && !BUILT_IN.has(name));
  const wanted = new Set(loaded.flatMap((name) => [name, ...(REQUIRES[name] ?? [])]));
  const entries = await Promise.all([...wanted].map(async (name) => [moduleKey(name), await (BUNDLED[name] as Loader)()] as const));
  return { modules: Object.fromEntries(entries), loaded, missing };
}

/** The key PGlite's `extensions` option takes (a namespace name; `uuid-ossp` is not an identifier). */
function moduleKey(name: string): string {
  return name.replace(/-/g, "_");
}
