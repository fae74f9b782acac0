/**
 * A generated long-lived Diesel project: 300+ migrations that use extensions, CREATE TABLE ... AS, enum value and type
 * renames, views, triggers, data and Diesel's own bookkeeping table, each with its down; written into a repository with
 * one `git fast-import` (a release tag, a good release after it, and a bad one beside it).
 */
import type { TestRepo } from "@shipgate/test-utils";

export interface Migration {
  name: string;
  up: string;
  down: string;
}

/** Blocks of 12 migrations, each around its own table `items_<b>`. */
export const BLOCKS = 26;

/** The migrations of v1.0: two that create the extensions and the accounts table, then the blocks. */
export function history(): Migration[] {
  const migrations: Migration[] = [
    {
      name: "extensions_and_accounts",
      up: `CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
CREATE EXTENSION IF NOT EXISTS citext;
CREATE TABLE accounts (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), email citext NOT NULL UNIQUE, created_at timestamptz NOT NULL DEFAULT now());
`,
      down: 'DROP TABLE accounts;\nDROP EXTENSION citext;\nDROP EXTENSION "uuid-ossp";\nDROP EXTENSION pgcrypto;\n',
    },
    {
      name: "more_extensions",
      up: "CREATE EXTENSION IF NOT EXISTS ltree;\nCREATE EXTENSION IF NOT EXISTS pg_trgm;\nCREATE EXTENSION IF NOT EXISTS hstore;\n",
      down: "DROP EXTENSION hstore;\nDROP EXTENSION pg_trgm;\nDROP EXTENSION ltree;\n",
    },
  ];
  for (let b = 0; b < BLOCKS; b++) migrations.push(...block(b, migrations.length));
  return migrations;
}

function block(b: number, before: number): Migration[] {
  const t = `items_${b}`;
  const state = `state_${b}`;
  return [
    {
      name: `create_${t}`,
      up: `CREATE TABLE ${t} (id bigserial PRIMARY KEY, account_id uuid NOT NULL REFERENCES accounts (id), token uuid NOT NULL DEFAULT uuid_generate_v4(), name citext NOT NULL);\n`,
      down: `DROP TABLE ${t};\n`,
    },
    { name: `${t}_note`, up: `ALTER TABLE ${t} ADD COLUMN note text;\n`, down: `ALTER TABLE ${t} DROP COLUMN note;\n` },
    {
      name: `${t}_state`,
      up: `CREATE TYPE ${state} AS ENUM ('new', 'done');\nALTER TABLE ${t} ADD COLUMN state ${state} NOT NULL DEFAULT 'new';\n`,
      down: `ALTER TABLE ${t} DROP COLUMN state;\nDROP TYPE ${state};\n`,
    },
    {
      name: `${state}_rename_value`,
      up: `ALTER TYPE ${state} RENAME VALUE 'done' TO 'finished';\n`,
      down: `ALTER TYPE ${state} RENAME VALUE 'finished' TO 'done';\n`,
    },
    {
      // The usual way to change an enum: rename the type away, create the new one under the old name, move the column.
      name: `${state}_archived`,
      up: enumSwap(t, state, `${state}_old`, "('new', 'finished', 'archived')"),
      down: enumSwap(t, state, `${state}_new`, "('new', 'finished')"),
    },
    {
      name: `${t}_summary`,
      up: `CREATE TABLE ${t}_summary AS SELECT account_id, count(*) AS n FROM ${t} GROUP BY account_id;\n`,
      down: `DROP TABLE ${t}_summary;\n`,
    },
    {
      name: `${t}_path_attrs`,
      up: `ALTER TABLE ${t} ADD COLUMN path ltree, ADD COLUMN attrs hstore;\nCREATE INDEX ${t}_name_trgm ON ${t} USING gin ((name::text) gin_trgm_ops);\n`,
      down: `DROP INDEX ${t}_name_trgm;\nALTER TABLE ${t} DROP COLUMN path, DROP COLUMN attrs;\n`,
    },
    {
      // Real projects read and clean Diesel's table: fails unless every migration before this one is recorded there.
      name: `${t}_bookkeeping`,
      up: `${dieselRecorded(before + 7)}DELETE FROM __diesel_schema_migrations WHERE version = '00000000000000';\n`,
      down: "SELECT 1;\n",
    },
    { name: `${t}_open`, up: `CREATE VIEW ${t}_open AS SELECT id, name FROM ${t} WHERE state = 'new';\n`, down: `DROP VIEW ${t}_open;\n` },
    {
      name: `${t}_touch`,
      up: `CREATE FUNCTION ${t}_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.note := coalesce(NEW.note, ''); RETURN NEW; END $$;
CREATE TRIGGER ${t}_touch BEFORE INSERT ON ${t} FOR EACH ROW EXECUTE FUNCTION ${t}_touch();
`,
      down: `DROP TRIGGER ${t}_touch ON ${t};\nDROP FUNCTION ${t}_touch();\n`,
    },
    {
      name: `${t}_seed`,
      up: `INSERT INTO accounts (email) VALUES ('user${b}@example.com');\nINSERT INTO ${t} (account_id, name) SELECT id, 'first' FROM accounts WHERE email = 'user${b}@example.com';\n`,
      down: `DELETE FROM ${t};\nDELETE FROM accounts WHERE email = 'user${b}@example.com';\n`,
    },
    { name: `${t}_account_index`, up: `CREATE INDEX ${t}_account ON ${t} (account_id);\n`, down: `DROP INDEX ${t}_account;\n` },
  ];
}

function enumSwap(table: string, type: string, away: string, values: string): string {
  return `ALTER TYPE ${type} RENAME TO ${away};
CREATE TYPE ${type} AS ENUM ${values};
ALTER TABLE ${table} ALTER COLUMN state DROP DEFAULT;
ALTER TABLE ${table} ALTER COLUMN state TYPE ${type} USING state::text::${type};
ALTER TABLE ${table} ALTER COLUMN state SET DEFAULT 'new';
DROP TYPE ${away};
`;
}

/** A DO block that fails unless Diesel's table holds at least `count` versions. */
export function dieselRecorded(count: number): string {
  return `DO $$
BEGIN
  IF (SELECT count(*) FROM __diesel_schema_migrations) < ${count} THEN
    RAISE EXCEPTION 'diesel recorded % migrations, expected %', (SELECT count(*) FROM __diesel_schema_migrations), ${count};
  END IF;
END $$;
`;
}

/** What the application of v1.0 prepares. */
export const QUERIES = `-- name: find_account
-- params: text
SELECT id, email, created_at FROM accounts WHERE email = $1;

-- name: items_of_account
-- params: uuid
SELECT id, name, state, path, attrs FROM items_0 WHERE account_id = $1;

-- name: open_items
SELECT id, name FROM items_1_open;

-- name: summary
SELECT n FROM items_2_summary WHERE account_id = $1::uuid;
`;

/** A release that only expands: new extension, new tables, a nullable column, and a read of Diesel's table. */
export function goodRelease(previous: number): Migration[] {
  return [
    {
      name: "tags",
      up: "CREATE TABLE tags (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), label citext NOT NULL, path ltree NOT NULL);\n",
      down: "DROP TABLE tags;\n",
    },
    {
      name: "bookings",
      up: "CREATE EXTENSION IF NOT EXISTS btree_gist;\nCREATE TABLE bookings (id bigint PRIMARY KEY, room int NOT NULL, during tstzrange NOT NULL, EXCLUDE USING gist (room WITH =, during WITH &&));\n",
      down: "DROP TABLE bookings;\nDROP EXTENSION btree_gist;\n",
    },
    {
      name: "display_name",
      up: "SET lock_timeout = '2s';\nALTER TABLE accounts ADD COLUMN display_name text;\n",
      down: "ALTER TABLE accounts DROP COLUMN display_name;\n",
    },
    { name: "recorded", up: dieselRecorded(previous + 3), down: "SELECT 1;\n" },
  ];
}

/** A release the static rules pass but that breaks two old queries: a rename hidden in dynamic SQL. */
export function badRelease(): Migration[] {
  return [
    { name: "labels", up: "CREATE TABLE labels (id bigint PRIMARY KEY, label citext NOT NULL);\n", down: "DROP TABLE labels;\n" },
    {
      name: "rename_name",
      up: "SET lock_timeout = '2s';\nDO $$ BEGIN EXECUTE 'ALTER TABLE items_0 RENAME COLUMN name TO title'; END $$;\n",
      down: "ALTER TABLE items_0 RENAME COLUMN title TO name;\n",
    },
  ];
}

/** `migrations/2020-01-01-<nnnnnn>_<name>`: versions that sort as Diesel sorts them. */
function dir(index: number, name: string): string {
  return `migrations/2020-01-01-${String(index).padStart(6, "0")}_${name}`;
}

/**
 * Writes the history in one fast-import: `v1.0` (config, queries and the history), `main` (the good release on top) and
 * `bad` (the bad release on top of v1.0); checks `main` out.
 */
export function importProject(repo: TestRepo, old: readonly Migration[], good: readonly Migration[], bad: readonly Migration[]): void {
  const chunks: string[] = [];
  const file = (path: string, text: string) => `M 100644 inline ${path}\ndata ${Buffer.byteLength(text)}\n${text}\n`;
  const files = (list: readonly Migration[], first: number) =>
    list.map((m, i) => file(`${dir(first + i, m.name)}/up.sql`, m.up) + file(`${dir(first + i, m.name)}/down.sql`, m.down)).join("");
  const commit = (ref: string, mark: number, message: string, from: number | null, body: string) =>
    `commit ${ref}\nmark :${mark}\ncommitter Test Committer <committer@example.com> 1767225600 +0000\ndata ${Buffer.byteLength(message)}\n${message}\n${from === null ? "" : `from :${from}\n`}${body}`;
  chunks.push(
    commit(
      "refs/heads/main",
      1,
      "feat: the first years",
      null,
      file(".shipgate.yml", 'migrations:\n  dirs: [migrations]\n  queries: ["queries/**/*.sql"]\n') + file("queries/app.sql", QUERIES) + files(old, 1),
    ),
  );
  chunks.push(`reset refs/tags/v1.0\nfrom :1\n\n`);
  chunks.push(commit("refs/heads/main", 2, "feat: tags and bookings", 1, files(good, old.length + 1)));
  chunks.push(commit("refs/heads/bad", 3, "feat: rename items", 1, files(bad, old.length + 1)));
  const result = repo.gitRaw(["fast-import", "--quiet"], { input: chunks.join("") });
  if (result.status !== 0) throw new Error(`git fast-import failed: ${result.stderr}`);
  repo.git("reset", "-q", "--hard", "main");
}
