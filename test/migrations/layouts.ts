/**
 * Migration files as each tool lays them out, for tests that run one scenario in every layout: a migration is a name,
 * an up and a down; the layout decides the file names, the markers and where the tool keeps its bookkeeping.
 */
import type { FileTree } from "@shipgate/test-utils";

export type LayoutName = "diesel" | "prisma" | "golang-migrate" | "dbmate" | "flyway";

export const LAYOUTS: readonly LayoutName[] = ["diesel", "prisma", "golang-migrate", "dbmate", "flyway"];

/** Layouts whose tool runs down migrations (Prisma has none; Flyway's undo is a paid feature, and absent here). */
export const LAYOUTS_WITH_DOWNS: readonly LayoutName[] = ["diesel", "golang-migrate", "dbmate"];

export interface Step {
  /** Short name, e.g. `init`. */
  name: string;
  up: string;
  down: string;
}

export interface Layout {
  name: LayoutName;
  /** `.shipgate.yml` for a repository in this layout. */
  config: string;
  /** The files of the `index`th migration (1-based): its version comes from its position. */
  files(index: number, step: Step): FileTree;
  /** The path of the file that holds the `index`th migration's up, and the line its first statement is on. */
  upAt(index: number, step: Step): string;
  /** The path of the file that holds the `index`th migration's down (dbmate: the migration's own file). */
  downPath(index: number, step: Step): string;
  /** The migration's name as reports show it. */
  label(index: number, step: Step): string;
  /** The tool's bookkeeping table, its columns as information_schema shows them, and a check (run by migration 2) that migration 1 is recorded. */
  bookkeeping: { table: string; columns: string; recorded: string };
}

const stamp = (index: number) => `2024${String(index).padStart(2, "0")}01000000`;
const dieselDir = (index: number, step: Step) => `migrations/2024-${String(index).padStart(2, "0")}-01-000000_${step.name}`;
const golangBase = (index: number, step: Step) => `db/migrations/${String(index).padStart(6, "0")}_${step.name}`;

export const layouts: Record<LayoutName, Layout> = {
  diesel: {
    name: "diesel",
    config: "migrations:\n  dirs: [migrations]\n",
    files: (i, s) => ({ [`${dieselDir(i, s)}/up.sql`]: s.up, [`${dieselDir(i, s)}/down.sql`]: s.down }),
    upAt: (i, s) => `${dieselDir(i, s)}/up.sql:1`,
    downPath: (i, s) => `${dieselDir(i, s)}/down.sql`,
    label: (i, s) => `2024-${String(i).padStart(2, "0")}-01-000000_${s.name}`,
    bookkeeping: {
      table: "__diesel_schema_migrations",
      columns: "version character varying(50) not null, run_on timestamp without time zone not null",
      recorded: "EXISTS (SELECT 1 FROM __diesel_schema_migrations WHERE version = '20240101000000' AND run_on IS NOT NULL)",
    },
  },
  prisma: {
    name: "prisma",
    config: "migrations:\n  dirs: [prisma/migrations]\n",
    files: (i, s) => ({ [`prisma/migrations/${stamp(i)}_${s.name}/migration.sql`]: s.up }),
    upAt: (i, s) => `prisma/migrations/${stamp(i)}_${s.name}/migration.sql:1`,
    downPath: (i, s) => `prisma/migrations/${stamp(i)}_${s.name}/migration.sql`,
    label: (i, s) => `${stamp(i)}_${s.name}`,
    bookkeeping: {
      table: "_prisma_migrations",
      columns:
        "id character varying(36) not null, checksum character varying(64) not null, finished_at timestamp with time zone, migration_name character varying(255) not null, logs text, rolled_back_at timestamp with time zone, started_at timestamp with time zone not null, applied_steps_count integer not null",
      recorded:
        "EXISTS (SELECT 1 FROM _prisma_migrations WHERE migration_name = '20240101000000_init' AND finished_at IS NOT NULL AND applied_steps_count = 1 AND length(checksum) = 64)",
    },
  },
  "golang-migrate": {
    name: "golang-migrate",
    config: "migrations:\n  dirs: [db/migrations]\n",
    files: (i, s) => ({ [`${golangBase(i, s)}.up.sql`]: s.up, [`${golangBase(i, s)}.down.sql`]: s.down }),
    upAt: (i, s) => `${golangBase(i, s)}.up.sql:1`,
    downPath: (i, s) => `${golangBase(i, s)}.down.sql`,
    label: (i, s) => `${String(i).padStart(6, "0")}_${s.name}`,
    bookkeeping: {
      table: "schema_migrations",
      columns: "version bigint not null, dirty boolean not null",
      // golang-migrate keeps one row: the version being applied, dirty until it finishes.
      recorded: "(SELECT count(*) FROM schema_migrations) = 1 AND EXISTS (SELECT 1 FROM schema_migrations WHERE version = 2 AND dirty)",
    },
  },
  dbmate: {
    name: "dbmate",
    config: "migrations:\n  dirs: [db/migrations]\n",
    files: (i, s) => ({ [`db/migrations/${stamp(i)}_${s.name}.sql`]: `-- migrate:up\n${s.up}\n-- migrate:down\n${s.down}` }),
    upAt: (i, s) => `db/migrations/${stamp(i)}_${s.name}.sql:2`,
    downPath: (i, s) => `db/migrations/${stamp(i)}_${s.name}.sql`,
    label: (i, s) => `${stamp(i)}_${s.name}`,
    bookkeeping: {
      table: "schema_migrations",
      columns: "version character varying(255) not null",
      recorded: "EXISTS (SELECT 1 FROM schema_migrations WHERE version = '20240101000000')",
    },
  },
  flyway: {
    name: "flyway",
    config: "migrations:\n  dirs: [src/main/resources/db/migration]\n",
    files: (i, s) => ({ [`src/main/resources/db/migration/V${i}__${s.name}.sql`]: s.up }),
    upAt: (i, s) => `src/main/resources/db/migration/V${i}__${s.name}.sql:1`,
    downPath: (i, s) => `src/main/resources/db/migration/V${i}__${s.name}.sql`,
    label: (i, s) => `V${i}__${s.name}`,
    bookkeeping: {
      table: "flyway_schema_history",
      columns:
        "installed_rank integer not null, version character varying(50), description character varying(200) not null, type character varying(20) not null, script character varying(1000) not null, checksum integer, installed_by character varying(100) not null, installed_on timestamp without time zone not null, execution_time integer not null, success boolean not null",
      recorded:
        "EXISTS (SELECT 1 FROM flyway_schema_history WHERE installed_rank = 1 AND version = '1' AND description = 'init' AND type = 'SQL' AND script = 'V1__init.sql' AND success)",
    },
  },
};

/** The files of migrations `steps`, numbered from `first`. */
export function migrationFiles(layout: Layout, steps: readonly Step[], first = 1): FileTree {
  return Object.assign({}, ...steps.map((step, i) => layout.files(first + i, step))) as FileTree;
}

/**
 * A DO block that fails the migration unless the tool's bookkeeping table exists with exactly the tool's columns (in
 * order, with their types and NOT NULL) and, run by migration 2, finds migration 1 recorded in it as the tool records it.
 */
export function bookkeepingCheck(layout: Layout): string {
  const { table, columns, recorded } = layout.bookkeeping;
  const actual = `(SELECT string_agg(column_name || ' ' || CASE WHEN character_maximum_length IS NULL THEN data_type ELSE data_type || '(' || character_maximum_length || ')' END || CASE WHEN is_nullable = 'NO' THEN ' not null' ELSE '' END, ', ' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = '${table}')`;
  return `DO $$
BEGIN
  IF ${actual} IS DISTINCT FROM '${columns}' THEN
    RAISE EXCEPTION 'bookkeeping table ${table} has columns %', ${actual};
  END IF;
  IF NOT (${recorded}) THEN
    RAISE EXCEPTION 'migration 1 is not recorded in ${table}';
  END IF;
END $$;
`;
}
