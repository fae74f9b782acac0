/** The database the dynamic check runs on: PGlite embedded in this process, or a fresh database on a PostgreSQL server. */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Extension, PGlite as PGliteType } from "@electric-sql/pglite";
import type { Client as PgClient, ClientConfig } from "pg";
import { throwIfCancelled, track } from "../cancel.js";
import { messages } from "../messages.js";
import { ownerTag } from "./owner.js";
import { serveWire, type WireServer } from "./wire.js";

export interface Database {
  /** Runs one SQL statement (or a script without parameters). */
  exec(sql: string): Promise<void>;
  /** Rows of a query, as plain objects. */
  rows<T extends Record<string, unknown>>(sql: string): Promise<T[]>;
  /** A connection URL for other processes (the old release's tests); PGlite starts serving on a loopback port for it. */
  url(): Promise<string>;
  /** What it is, for reports: `PGlite 0.5.16 (PostgreSQL 18.6)` or `PostgreSQL 17.2 at db.example:5432`. */
  engine: string;
  /** Whether it is PGlite (whose extensions are the bundled ones) rather than a server. */
  embedded: boolean;
  close(): Promise<void>;
  /** PGlite only: the data directory as an uncompressed tarball, which `openPglite` loads (cache/pglite-schema.ts). */
  dumpDataDir?: () => Promise<Uint8Array>;
}

/**
 * PGlite with the given bundled extension modules loaded (see extensions.ts): a fresh database, or the data directory
 * `dataDir` (a tarball from `dumpDataDir`, cache/pglite-schema.ts) when given.
 */
export async function openPglite(options: { extensions?: Record<string, Extension>; dataDir?: Uint8Array | undefined } = {}): Promise<Database> {
  const { PGlite } = await import("@electric-sql/pglite"); // loaded only when the dynamic check runs on PGlite
  const extensions = options.extensions ?? {};
  const db: PGliteType = await PGlite.create(options.dataDir ? { extensions, loadDataDir: tarball(options.dataDir) } : { extensions });
  let wire: WireServer | null = null;
  const version = (await db.query<{ version: string }>("SELECT version()")).rows[0]?.version ?? "";
  return {
    exec: async (sql) => {
      await db.exec(sql);
    },
    rows: async <T extends Record<string, unknown>>(sql: string) => (await db.query<T>(sql)).rows,
    url: async () => {
      wire ??= await serveWire(db);
      return wire.url;
    },
    engine: pgliteEngine(version),
    embedded: true,
    close: async () => {
      await wire?.close();
      await db.close();
    },
    dumpDataDir: async () => new Uint8Array(await (await db.dumpDataDir("none")).arrayBuffer()),
  };
}

/**
 * The tarball as the Blob PGlite reads a data directory from. PGlite only awaits `arrayBuffer()` of it (and reads `type`
 * to decide whether to gunzip): a real Blob copies the whole data directory twice (into the Blob, then out of it), which
 * took about a tenth of the time to open the cached schema of a 300-migration history.
 */
function tarball(bytes: Uint8Array): Blob {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
  const buffer = whole ? bytes.buffer : bytes.slice().buffer;
  const blob: Pick<Blob, "type" | "size" | "arrayBuffer"> = { type: "application/x-tar", size: bytes.byteLength, arrayBuffer: () => Promise.resolve(buffer) };
  return blob as Blob; // the three members PGlite 0.5 uses; the dynamic tests load every cached copy through it
}

/**
 * Creates a throw-away database on the server at `url` and drops it on close, or on a signal (cancel.ts). Its name carries
 * its owner (owner.ts) and a comment says who made it, so a later run can drop it if this process is killed with -9.
 */
export async function openServer(url: string, options: { template?: string } = {}): Promise<Database> {
  throwIfCancelled();
  const Client = await loadClient();
  const admin = new Client({ connectionString: url });
  admin.on("error", () => undefined); // reported through the failing query instead
  await admin.connect();
  const name = `shipgate_verify_${ownerTag()}_${randomBytes(4).toString("hex")}`;
  const created = admin
    .query(`CREATE DATABASE ${name}${options.template === undefined ? "" : ` TEMPLATE ${options.template}`}`)
    .then(() => admin.query(`COMMENT ON DATABASE ${name} IS ${literal(messages.databaseMarker(process.pid, hostname()))}`));
  let client: PgClient | null = null;
  const dropped = track("dropped", `database ${name}`, async () => {
    await created.catch(() => undefined);
    await client?.end().catch(() => undefined);
    await dropDatabase(Client, admin, url, name);
  });
  const target = new URL(url);
  target.pathname = `/${name}`;
  try {
    await created;
    client = new Client({ connectionString: target.toString() });
    client.on("error", () => undefined); // reported through the failing query instead
    await client.connect();
  } catch (error) {
    await dropped.dispose().catch(() => undefined);
    throw error;
  }
  return clientDatabase(client, target, () => dropped.dispose());
}

/** A Database over a connected client of the database at `target`; `close` is what ends it (dropping it, say). */
export async function clientDatabase(work: PgClient, target: URL, close: () => Promise<void>): Promise<Database> {
  const version = (await work.query<{ server_version: string }>("SHOW server_version")).rows[0]?.server_version ?? "";
  return {
    exec: async (sql) => {
      await work.query(sql);
    },
    rows: async <T extends Record<string, unknown>>(sql: string) => (await work.query(sql)).rows as T[],
    url: () => Promise.resolve(target.toString()),
    engine: `PostgreSQL ${version.split(" ")[0] ?? version} at ${target.hostname}:${target.port || "5432"}`,
    embedded: false,
    close,
  };
}

/** Drops the database through the admin connection, or a new one when that connection is gone; then ends the admin connection. */
async function dropDatabase(Client: new (config: ClientConfig) => PgClient, admin: PgClient, url: string, name: string): Promise<void> {
  const drop = `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`;
  try {
    await admin.query(drop);
  } catch {
    const fresh = new Client({ connectionString: url });
    fresh.on("error", () => undefined);
    try {
      await fresh.connect();
      await fresh.query(drop);
    } finally {
      await fresh.end().catch(() => undefined);
    }
  } finally {
    await admin.end().catch(() => undefined);
  }
}

/** `PGlite 0.5.16 (PostgreSQL 18.6)` from `PostgreSQL 18.6 (PGlite 0.5.16) on wasm32-...`. */
function pgliteEngine(version: string): string {
  const match = /^PostgreSQL (\S+) \(PGlite (\S+)\)/.exec(version);
  return match ? `PGlite ${match[2] ?? ""} (PostgreSQL ${match[1] ?? ""})` : "PGlite";
}

/** A SQL string literal. */
export function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * pg's client class without pg's index, which also loads pg-pool: under resolvers that apply the `import` condition to
 * `require` (vitest with custom conditions), pg-pool arrives as an ES module namespace and pg's index fails to load.
 */
export async function loadClient(): Promise<new (config: ClientConfig) => PgClient> {
  const specifier = "pg/lib/client.js";
  const loaded = (await import(specifier)) as { default: new (config: ClientConfig) => PgClient };
  return loaded.default;
}
