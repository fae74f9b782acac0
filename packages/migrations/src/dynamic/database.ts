/** The database the dynamic check runs on: PGlite embedded in this process, or a fresh database on a PostgreSQL server. */
import { randomBytes } from "node:crypto";
import type { PGlite as PGliteType } from "@electric-sql/pglite";
import type { Client as PgClient, ClientConfig } from "pg";
import { serveWire, type WireServer } from "./wire.js";

export interface Database {
  /** Runs one SQL statement (or a script without parameters). */
  exec(sql: string): Promise<void>;
  /** Rows of a query, as plain objects. */
  rows<T extends Record<string, unknown>>(sql: string): Promise<T[]>;
  /** A connection URL for other processes (the old release's tests); PGlite starts serving on a loopback port for it. */
  url(): Promise<string>;
  /** What it is, for reports: "PGlite" or the server's address. */
  label: string;
  close(): Promise<void>;
}

export async function openPglite(): Promise<Database> {
  const { PGlite } = await import("@electric-sql/pglite"); // loaded only when the dynamic check runs on PGlite
  const db: PGliteType = await PGlite.create();
  let wire: WireServer | null = null;
  return {
    exec: async (sql) => {
      await db.exec(sql);
    },
    rows: async <T extends Record<string, unknown>>(sql: string) => (await db.query<T>(sql)).rows,
    url: async () => {
      wire ??= await serveWire(db);
      return wire.url;
    },
    label: "PGlite",
    close: async () => {
      await wire?.close();
      await db.close();
    },
  };
}

/** Creates a throw-away database on the server at `url` and drops it on close. */
export async function openServer(url: string): Promise<Database> {
  const Client = await loadClient();
  const admin = new Client({ connectionString: url });
  await admin.connect();
  const name = `shipgate_verify_${randomBytes(6).toString("hex")}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const client = new Client({ connectionString: target.toString() });
  try {
    await client.connect();
  } catch (error) {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.end();
    throw error;
  }
  client.on("error", () => undefined); // reported through the failing query instead
  return {
    exec: async (sql) => {
      await client.query(sql);
    },
    rows: async <T extends Record<string, unknown>>(sql: string) => (await client.query(sql)).rows as T[],
    url: () => Promise.resolve(target.toString()),
    label: `${target.hostname}:${target.port || "5432"}`,
    close: async () => {
      await client.end();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
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
