/**
 * The previous release's schema kept on a PostgreSQL server as a template database (`shipgate_schema_<key>`): a gate
 * run copies it (`CREATE DATABASE ... TEMPLATE`) instead of applying the history again. A template is built in a
 * throw-away verification database (named and tracked like every other, so a kill leaves nothing a later run does not
 * remove), renamed into place when complete, and closed to connections; its comment holds its key and catalog digest.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Client as PgClient, ClientConfig } from "pg";
import { throwIfCancelled, track } from "../cancel.js";
import { snapshotCatalog } from "../dynamic/catalog.js";
import { clientDatabase, loadClient, type Database } from "../dynamic/database.js";
import { ownerTag } from "../dynamic/owner.js";
import { messages } from "../messages.js";
import { catalogDigest } from "./schema-key.js";

type ClientClass = new (config: ClientConfig) => PgClient;

/** Entries of another layout of the comment are never used; a new number drops them. */
const KIND = "pg-template-1";
const PREFIX = "shipgate_schema_";

export interface TemplateMeta {
  kind: string;
  key: string;
  catalog: string;
  used: number;
}

/** The newest usable template among a list of prefix keys: `count` migrations in, or none (name null). */
export interface FoundTemplate {
  name: string | null;
  count: number;
  catalog: string;
  /** Why a template that was there for one of the keys could not be used, or null. */
  ignored: string | null;
}

/** A template built (its name and catalog), or the database where a migration failed; `reused` migrations came from a prefix. */
type Built = ({ name: string; catalog: string[] } | { failed: Database }) & { reused: number };
export type BuiltTemplate = Built & { ignored: string | null };

export interface Templates {
  /** `postgresql <server_version_num>`: part of the key. */
  engine: string;
  /** The template of the longest prefix of the migrations (`keys[i]`: the first `i` of them) that the server keeps. */
  newest(keys: readonly string[]): Promise<FoundTemplate>;
  /** Marks the template as used now (eviction drops the least recently used). */
  touch(name: string, key: string, catalog: string): Promise<void>;
  /** Drops a template (a damaged one, or one evicted). */
  drop(name: string): Promise<void>;
  /**
   * Builds the template for `key` in a new database, copied from `prefix` when given (its catalog checked first);
   * `apply(db, reused, fresh)` applies the migrations after the first `reused` (on an empty database when `fresh`) and
   * returns the catalog, or null when one failed.
   */
  build(key: string, prefix: FoundTemplate | null, apply: (db: Database, reused: number, fresh: boolean) => Promise<string[] | null>): Promise<BuiltTemplate>;
  /** Keeps at most `max` templates, never `keep`. */
  evict(max: number, keep: string): Promise<string[]>;
  close(): Promise<void>;
}

export function templateName(key: string): string {
  return `${PREFIX}${key.slice(0, 40)}`;
}

/** Connects to the server at `url` to find, build and evict the gate's templates. */
export async function openTemplates(url: string): Promise<Templates> {
  throwIfCancelled();
  const Client = await loadClient();
  const admin = new Client({ connectionString: url });
  admin.on("error", () => undefined); // reported through the failing query instead
  await admin.connect();
  const version = await admin.query<{ server_version_num: string }>("SHOW server_version_num");
  const list = async () =>
    (
      await admin.query<{ name: string; comment: string | null }>(
        `SELECT datname AS name, shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname LIKE 'shipgate\\_schema\\_%'`,
      )
    ).rows.map((row) => ({ name: row.name, meta: readMeta(row.comment) }));
  const drop = async (name: string) => {
    await admin.query(`ALTER DATABASE ${name} WITH IS_TEMPLATE false`).catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  };
  return {
    engine: `postgresql ${version.rows[0]?.server_version_num ?? "unknown"}`,
    newest: async (keys) => {
      const present = new Map((await list()).map((t) => [t.name, t.meta]));
      let ignored: string | null = null;
      for (let count = keys.length - 1; count >= 0; count--) {
        const key = keys[count] ?? "";
        const name = templateName(key);
        if (!present.has(name)) continue;
        const meta = present.get(name) ?? null;
        const problem = meta === null || meta.kind !== KIND ? "made by another version" : meta.key !== key ? "made for another key" : null;
        if (problem === null && meta !== null) return { name, count, catalog: meta.catalog, ignored };
        ignored ??= problem;
        await drop(name).catch(() => undefined);
      }
      return { name: null, count: 0, catalog: "", ignored };
    },
    touch: (name, key, catalog) => comment(admin, name, { kind: KIND, key, catalog, used: Date.now() }),
    drop,
    build: async (key, prefix, apply) => {
      const built = await buildTemplate(Client, admin, url, key, prefix, apply);
      if (built !== null) return { ...built, ignored: null };
      // The prefix's copy is not the schema stored with it: drop it and build from an empty database.
      if (prefix?.name) await drop(prefix.name).catch(() => undefined);
      const fresh = await buildTemplate(Client, admin, url, key, null, apply);
      if (fresh === null) throw new Error("a template built from an empty database has no catalog to check");
      return { ...fresh, ignored: "its catalog differs from the one stored with it" };
    },
    evict: async (max, keep) => {
      const templates = (await list()).filter((t) => t.name !== keep).sort((a, b) => (b.meta?.used ?? 0) - (a.meta?.used ?? 0));
      const dropped: string[] = [];
      for (const template of templates.slice(Math.max(0, max - 1))) {
        // A template another run is copying right now cannot be dropped; it goes next time.
        const ok = await drop(template.name).then(
          () => true,
          () => false,
        );
        if (ok) dropped.push(template.name);
      }
      return dropped;
    },
    close: () => admin.end().catch(() => undefined),
  };
}

/** Builds the template; null when the copy of `prefix` does not show the catalog stored with it (nothing is left then). */
async function buildTemplate(
  Client: ClientClass,
  admin: PgClient,
  url: string,
  key: string,
  prefix: FoundTemplate | null,
  apply: (db: Database, reused: number, fresh: boolean) => Promise<string[] | null>,
): Promise<Built | null> {
  const build = `shipgate_verify_${ownerTag()}_${randomBytes(4).toString("hex")}`;
  let client: PgClient | null = null;
  const dropped = track("dropped", `database ${build}`, async () => {
    await client?.end().catch(() => undefined);
    await dropWithFreshClient(Client, url, build);
  });
  await admin.query(`CREATE DATABASE ${build}${prefix?.name ? ` TEMPLATE ${prefix.name}` : ""}`);
  await admin.query(`COMMENT ON DATABASE ${build} IS ${literal(messages.databaseMarker(process.pid, hostname()))}`);
  const target = new URL(url);
  target.pathname = `/${build}`;
  const work = new Client({ connectionString: target.toString() });
  client = work;
  work.on("error", () => undefined);
  await work.connect();
  const db = await clientDatabase(work, target, () => dropped.dispose());
  const reused = prefix?.name ? prefix.count : 0;
  if (prefix?.name && catalogDigest(await snapshotCatalog(db)) !== prefix.catalog) {
    await dropped.dispose();
    return null;
  }
  const catalog = await apply(db, reused, !prefix?.name);
  if (catalog === null) return { failed: db, reused };
  await work.end();
  client = null;
  const name = templateName(key);
  try {
    await admin.query(`ALTER DATABASE ${build} RENAME TO ${name}`);
  } catch (error) {
    await dropped.dispose();
    // Another run built the same template meanwhile: the copy made from it is checked like any cached one.
    if ((error as { code?: string }).code === "42P04") return { name, catalog, reused };
    throw error;
  }
  await admin.query(`ALTER DATABASE ${name} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
  await comment(admin, name, { kind: KIND, key, catalog: catalogDigest(catalog), used: Date.now() });
  await dropped.dispose(); // the build database has its final name now: nothing is left to drop
  return { name, catalog, reused };
}

async function comment(admin: PgClient, name: string, meta: TemplateMeta): Promise<void> {
  await admin.query(`COMMENT ON DATABASE ${name} IS ${literal(`${messages.schemaTemplateMarker}\n${JSON.stringify(meta)}`)}`);
}

function readMeta(comment: string | null): TemplateMeta | null {
  const json = comment?.slice(comment.indexOf("\n") + 1) ?? "";
  try {
    const meta = JSON.parse(json) as Partial<TemplateMeta>;
    return typeof meta.kind === "string" && typeof meta.key === "string" && typeof meta.catalog === "string"
      ? { kind: meta.kind, key: meta.key, catalog: meta.catalog, used: typeof meta.used === "number" ? meta.used : 0 }
      : null;
  } catch {
    return null;
  }
}

async function dropWithFreshClient(Client: ClientClass, url: string, name: string): Promise<void> {
  const fresh = new Client({ connectionString: url });
  fresh.on("error", () => undefined);
  try {
    await fresh.connect();
    await fresh.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await fresh.end().catch(() => undefined);
  }
}

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
