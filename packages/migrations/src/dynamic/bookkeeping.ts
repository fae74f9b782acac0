/**
 * The migration tools' own bookkeeping tables (Diesel `__diesel_schema_migrations`, Prisma `_prisma_migrations`,
 * golang-migrate and dbmate `schema_migrations`, Flyway `flyway_schema_history`), created with the tool's columns and
 * kept as the tool keeps them around each migration, so that migrations that read or write them apply as in production.
 */
import { createHash, randomUUID } from "node:crypto";
import { posix } from "node:path";
import { crc32 } from "node:zlib";
import type { LayoutName, Migration } from "../layout/discover.js";
import { upSql, type MigrationSource } from "../lint.js";
import { literal, type Database } from "./database.js";

interface Tool {
  table: string;
  /** What the tool runs to create its table (PostgreSQL driver, default table name, the connection's schema). */
  create: readonly string[];
  beforeUp?: (entry: Entry) => string[];
  afterUp: (entry: Entry) => string[];
  beforeDown?: (entry: Entry, previous: Entry | null) => string[];
  afterDown: (entry: Entry, previous: Entry | null) => string[];
  /** The id the tool's table holds for a migration applied by an earlier run, when the tool keeps ids. */
  recordedId?: (db: Database, source: MigrationSource) => Promise<string | null>;
}

interface Entry {
  source: MigrationSource;
  /** Prisma's row id. */
  id: string;
}

const TOOLS: Readonly<Partial<Record<LayoutName, Tool>>> = {
  diesel: {
    table: "__diesel_schema_migrations",
    create: [
      "CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)",
    ],
    afterUp: ({ source }) => [`INSERT INTO __diesel_schema_migrations (version) VALUES (${literal(source.migration.version)})`],
    afterDown: ({ source }) => [`DELETE FROM __diesel_schema_migrations WHERE version = ${literal(source.migration.version)}`],
  },
  prisma: {
    table: "_prisma_migrations",
    create: [
      `CREATE TABLE IF NOT EXISTS "_prisma_migrations" ("id" VARCHAR(36) NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ, "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ, "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0, CONSTRAINT "_prisma_migrations_pkey" PRIMARY KEY ("id"))`,
    ],
    beforeUp: ({ source, id }) => [
      `INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "started_at", "applied_steps_count") VALUES (${literal(id)}, ${literal(sha256(source.up))}, ${literal(source.migration.name)}, now(), 0)`,
    ],
    afterUp: ({ id }) => [`UPDATE "_prisma_migrations" SET "finished_at" = now(), "applied_steps_count" = 1 WHERE "id" = ${literal(id)}`],
    afterDown: () => [],
    recordedId: async (db, { migration }) => {
      const sql = `SELECT "id" FROM "_prisma_migrations" WHERE "migration_name" = ${literal(migration.name)} AND "rolled_back_at" IS NULL ORDER BY "started_at" DESC LIMIT 1`;
      return (await db.rows<{ id: string }>(sql))[0]?.id ?? null;
    },
  },
  "golang-migrate": {
    table: "schema_migrations",
    create: ['CREATE TABLE IF NOT EXISTS "schema_migrations" (version bigint not null primary key, dirty boolean not null)'],
    // One row: the version being applied is written dirty first and clean once it has run (migrate.go, SetVersion).
    beforeUp: ({ source }) => golangVersion(source.migration, true),
    afterUp: ({ source }) => golangVersion(source.migration, false),
    beforeDown: (_, previous) => golangVersion(previous?.source.migration ?? null, true),
    afterDown: (_, previous) => golangVersion(previous?.source.migration ?? null, false),
  },
  dbmate: {
    table: "schema_migrations",
    create: ['create table if not exists "schema_migrations" (version varchar(255) primary key)'],
    afterUp: ({ source }) => [`insert into "schema_migrations" (version) values (${literal(source.migration.version)})`],
    afterDown: ({ source }) => [`delete from "schema_migrations" where version = ${literal(source.migration.version)}`],
  },
  flyway: {
    table: "flyway_schema_history",
    create: [
      `CREATE TABLE IF NOT EXISTS "flyway_schema_history" ("installed_rank" INT NOT NULL, "version" VARCHAR(50), "description" VARCHAR(200) NOT NULL, "type" VARCHAR(20) NOT NULL, "script" VARCHAR(1000) NOT NULL, "checksum" INT, "installed_by" VARCHAR(100) NOT NULL, "installed_on" TIMESTAMP NOT NULL DEFAULT now(), "execution_time" INT NOT NULL, "success" BOOLEAN NOT NULL)`,
      `ALTER TABLE "flyway_schema_history" ADD CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank")`,
      `CREATE INDEX "flyway_schema_history_s_idx" ON "flyway_schema_history" ("success")`,
    ],
    afterUp: ({ source }) => [flywayRow(source.migration, "SQL", source.migration.up, source.up)],
    // An undo is a row of its own (type UNDO_SQL) after the ones already there.
    afterDown: ({ source }) => [flywayRow(source.migration, "UNDO_SQL", source.migration.down ?? source.migration.up, source.down ?? "")],
  },
};

/** Keeps each tool's table for one run: which tables to create, and the statements around each up and down. */
export class Bookkeeping {
  private readonly entries = new Map<MigrationSource, Entry>();
  private readonly order = new Map<string, MigrationSource[]>();

  /** `sources`: every migration the run may apply (previous release, then the release), in order. */
  constructor(sources: readonly MigrationSource[]) {
    const owned = tablesCreatedBy(sources);
    for (const source of sources) {
      const tool = TOOLS[source.migration.layout];
      if (!tool || owned.has(tool.table)) continue;
      const list = this.order.get(tool.table) ?? [];
      if (list.length > 0 && list[0]?.migration.layout !== source.migration.layout) continue; // another layout claimed the name
      list.push(source);
      this.order.set(tool.table, list);
    }
  }

  /** The statements that create the tables, as the tools run them before their first migration. */
  create(): string[] {
    return [...this.order.values()].flatMap((list) => (list[0] ? (TOOLS[list[0].migration.layout]?.create ?? []) : []));
  }

  beforeUp(source: MigrationSource): string[] {
    const entry = this.start(source);
    return entry ? (this.tool(source)?.beforeUp?.(entry) ?? []) : [];
  }

  afterUp(source: MigrationSource): string[] {
    const entry = this.entries.get(source);
    return entry ? (this.tool(source)?.afterUp(entry) ?? []) : [];
  }

  beforeDown(source: MigrationSource): string[] {
    const entry = this.entries.get(source);
    return entry ? (this.tool(source)?.beforeDown?.(entry, this.previous(source)) ?? []) : [];
  }

  afterDown(source: MigrationSource): string[] {
    const entry = this.entries.get(source);
    if (!entry) return [];
    const statements = this.tool(source)?.afterDown(entry, this.previous(source)) ?? [];
    this.entries.delete(source);
    return statements;
  }

  /**
   * Takes `sources` as applied by an earlier run (a cached copy of the previous schema, cache/previous-schema.ts): each
   * one without an entry gets one, with the id its tool's table holds, so the release's downs write what they write
   * after the migrations were applied in this process.
   */
  async applied(db: Database, sources: readonly MigrationSource[]): Promise<void> {
    for (const source of sources) {
      const tool = this.tool(source);
      if (!tool || this.entries.has(source)) continue;
      const id = (await tool.recordedId?.(db, source)) ?? randomUUID();
      this.entries.set(source, { source, id });
    }
  }

  /** The table a migration is recorded in, for messages; null when none is kept for it. */
  table(source: MigrationSource): string | null {
    const tool = TOOLS[source.migration.layout];
    return tool && this.order.get(tool.table)?.includes(source) ? tool.table : null;
  }

  private tool(source: MigrationSource): Tool | undefined {
    return this.table(source) === null ? undefined : TOOLS[source.migration.layout];
  }

  private start(source: MigrationSource): Entry | null {
    const tool = this.tool(source);
    if (!tool) return null;
    const entry: Entry = { source, id: randomUUID() };
    this.entries.set(source, entry);
    return entry;
  }

  /** The migration applied before `source` in the same table, still recorded. */
  private previous(source: MigrationSource): Entry | null {
    const list = this.order.get(this.table(source) ?? "") ?? [];
    for (let i = list.indexOf(source) - 1; i >= 0; i--) {
      const entry = this.entries.get(list[i] as MigrationSource);
      if (entry) return entry;
    }
    return null;
  }
}

/**
 * Tables a migration creates itself with a plain CREATE TABLE: the tool's own definition would then make it fail, so
 * such a table is left to the migrations (and nothing is recorded in it).
 */
function tablesCreatedBy(sources: readonly MigrationSource[]): Set<string> {
  const names = new Set<string>();
  for (const source of sources) {
    for (const statement of upSql(source).statements) {
      if (statement.kind !== "CreateStmt" || statement.node["if_not_exists"] === true) continue;
      const relation = statement.node["relation"] as { relname?: unknown; schemaname?: unknown } | undefined;
      if (typeof relation?.relname === "string" && (relation.schemaname === undefined || relation.schemaname === "public")) names.add(relation.relname);
    }
  }
  return names;
}

function golangVersion(migration: Migration | null, dirty: boolean): string[] {
  const version = migration === null ? (dirty ? "-1" : null) : BigInt(migration.version).toString();
  return ['TRUNCATE "schema_migrations"', ...(version === null ? [] : [`INSERT INTO "schema_migrations" (version, dirty) VALUES (${version}, ${dirty})`])];
}

/** One row of Flyway's history: ranks count up from 1 in the order rows are written. */
function flywayRow(migration: Migration, type: "SQL" | "UNDO_SQL", path: string, text: string): string {
  const script = posix.basename(path);
  const description = script
    .replace(/^[VUR][^_]*__/, "")
    .replace(/\.sql$/, "")
    .replace(/_/g, " ");
  const rank = `(SELECT coalesce(max("installed_rank"), 0) + 1 FROM "flyway_schema_history")`;
  const version = migration.repeatable ? "NULL" : literal(migration.version);
  return `INSERT INTO "flyway_schema_history" ("installed_rank", "version", "description", "type", "script", "checksum", "installed_by", "execution_time", "success") VALUES (${rank}, ${version}, ${literal(description)}, '${type}', ${literal(script)}, ${flywayChecksum(text)}, current_user, 0, true)`;
}

/** Flyway's checksum: CRC-32 over the file's lines without their line breaks, as a signed 32-bit integer. */
function flywayChecksum(text: string): number {
  return (
    crc32(
      text
        .replace(/^\uFEFF/, "")
        .split(/\r\n|\r|\n/)
        .join(""),
    ) | 0
  );
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
