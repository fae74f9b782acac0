/**
 * Migrations as real projects write them, in every layout shipgate reads: a table copied with CREATE TABLE ... AS,
 * SELECT ... INTO and temporary tables used as scratch space, an enum swapped for a new one of the same name (what
 * Prisma and Rails generate to change an enum), an enum created and its value renamed in one release, a file saved with
 * a UTF-8 byte order mark, and a table of an earlier migration dropped.
 */
import type { FileTree } from "@shipgate/test-utils";

export const LAYOUT_NAMES = ["plain", "flyway", "golang-migrate", "dbmate", "diesel", "prisma"] as const;
export type ShapeLayout = (typeof LAYOUT_NAMES)[number];

export interface ShapeMigration {
  name: string;
  up: string;
  down: string;
  /** Saved with a UTF-8 byte order mark, as Windows editors do. */
  bom?: boolean;
}

/** The previous release: what the release below builds on. */
export const RELEASED: readonly ShapeMigration[] = [
  {
    name: "init",
    up: `CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, name text, mood mood);
CREATE TABLE legacy_stats AS SELECT id, name FROM users;
`,
    down: "DROP TABLE legacy_stats;\nDROP TABLE users;\nDROP TYPE mood;\n",
  },
];

/** The release under review. */
export const RELEASE: readonly ShapeMigration[] = [
  {
    name: "copies",
    up: `SET lock_timeout = '2s';
CREATE TABLE user_names AS SELECT id, name FROM users;
ALTER TABLE user_names ALTER COLUMN name SET NOT NULL;
SELECT id, email INTO user_emails FROM users;
DROP TABLE user_emails;
CREATE TEMP TABLE tmp_ids AS SELECT id FROM users;
CREATE TEMPORARY TABLE scratch (id bigint);
ALTER TABLE scratch ALTER COLUMN id SET NOT NULL;
DROP TABLE tmp_ids, scratch;
`,
    down: "DROP TABLE user_names;\n",
  },
  {
    name: "mood_swap",
    bom: true,
    up: `SET lock_timeout = '2s';
ALTER TYPE mood RENAME TO mood_old;
CREATE TYPE mood AS ENUM ('happy', 'sad', 'calm');
ALTER TABLE users ALTER COLUMN mood TYPE mood USING mood::text::mood;
DROP TYPE mood_old;
`,
    down: `ALTER TYPE mood RENAME TO mood_new;
CREATE TYPE mood AS ENUM ('happy', 'sad');
ALTER TABLE users ALTER COLUMN mood TYPE mood USING mood::text::mood;
DROP TYPE mood_new;
`,
  },
  {
    name: "tickets",
    up: `CREATE TYPE ticket_state AS ENUM ('open', 'close');
ALTER TYPE ticket_state RENAME VALUE 'close' TO 'closed';
CREATE TABLE tickets (id bigint PRIMARY KEY, user_id bigint NOT NULL, state ticket_state NOT NULL DEFAULT 'open');
`,
    down: "DROP TABLE tickets;\nDROP TYPE ticket_state;\n",
  },
  {
    name: "drop_legacy",
    up: "SET lock_timeout = '2s';\nDROP TABLE legacy_stats;\n",
    down: "CREATE TABLE legacy_stats AS SELECT id, name FROM users;\n",
  },
];

/** The only findings of the release: the column's enum did change, and the table of the previous release is gone. */
export const EXPECTED: readonly { migration: string; rule: string; statement: string }[] = [
  { migration: "mood_swap", rule: "change-column-type", statement: "ALTER TABLE users ALTER COLUMN mood TYPE" },
  { migration: "drop_legacy", rule: "drop-table", statement: "DROP TABLE legacy_stats" },
];

export interface LayoutFiles {
  /** The migration directory, for `migrations.dirs`. */
  dir: string;
  files: FileTree;
  /** Path of the file holding each migration's up SQL, by migration name. */
  upPath: Map<string, string>;
}

/** The migrations written as `layout` names and lays them out; `first` numbers the first one (1 for the first migration). */
export function layoutFiles(layout: ShapeLayout, migrations: readonly ShapeMigration[], first: number): LayoutFiles {
  const files: FileTree = {};
  const upPath = new Map<string, string>();
  migrations.forEach((m, i) => {
    const n = first + i;
    const [up, down] = paths(layout, n, m.name);
    const upText = layout === "dbmate" ? `-- migrate:up\n${m.up}\n-- migrate:down\n${m.down}` : m.up;
    files[up] = m.bom === true ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(upText)]) : upText;
    if (down !== null) files[down] = m.down;
    upPath.set(m.name, up);
  });
  return { dir: DIRS[layout], files, upPath };
}

const DIRS: Record<ShapeLayout, string> = {
  plain: "db/migrations",
  flyway: "db/migration",
  "golang-migrate": "db/migrations",
  dbmate: "db/migrations",
  diesel: "migrations",
  prisma: "prisma/migrations",
};

/** Up and down paths as each tool names them. */
function paths(layout: ShapeLayout, n: number, name: string): [string, string | null] {
  const dir = DIRS[layout];
  const stamp = `2024010${n}000000`;
  switch (layout) {
    case "plain":
      return [`${dir}/00${n}_${name}.sql`, null];
    case "flyway":
      return [`${dir}/V${n}__${name}.sql`, null];
    case "golang-migrate":
      return [`${dir}/00000${n}_${name}.up.sql`, `${dir}/00000${n}_${name}.down.sql`];
    case "dbmate":
      return [`${dir}/${stamp}_${name}.sql`, null];
    case "diesel":
      return [`${dir}/2024-01-0${n}-000000_${name}/up.sql`, `${dir}/2024-01-0${n}-000000_${name}/down.sql`];
    case "prisma":
      return [`${dir}/${stamp}_${name}/migration.sql`, null];
  }
}

/** `path:line rule` of each expected finding, the line being where its statement starts in the file as written. */
export function expectedFindings(layout: LayoutFiles): string[] {
  return EXPECTED.map(({ migration, rule, statement }) => {
    const path = layout.upPath.get(migration) ?? "";
    const text = layout.files[path];
    const content = Buffer.isBuffer(text) ? text.toString("utf8") : typeof text === "string" ? text : "";
    const line = content.slice(0, content.indexOf(statement)).split("\n").length;
    return `${path}:${line} ${rule}`;
  });
}
