// Writes `<script>.cache`, the V8 code cache of a script of the bundle (see bundle.mjs): compiles the script as
// src/code-cache.ts does at run time, lints the migrations below with it so that the functions a lint calls are
// compiled too (V8 compiles a function on its first call, and the cache holds what is compiled when it is written),
// then serialises. Run by bundle.mjs in a process of its own, as `node --liftoff code-cache.mjs <script>`.
import { readFileSync, writeFileSync } from "node:fs";
import { compileScript, runScript } from "../dist/code-cache.js";

// Everyday migrations: the statements and comments that a lint meets, not a benchmark's corpus.
const MIGRATIONS = [
  `-- accounts (naïve ünïcödé in a comment)\nCREATE TABLE accounts (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE, created_at timestamptz NOT NULL DEFAULT now());\nCREATE INDEX accounts_email ON accounts (lower(email));\n`,
  `SET lock_timeout = '2s';\nALTER TABLE accounts ADD COLUMN note text;\nCREATE INDEX CONCURRENTLY accounts_note ON accounts (note);\n`,
  `BEGIN;\nALTER TABLE orders ADD CONSTRAINT orders_account FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_account;\nCOMMIT;\n`,
  `CREATE OR REPLACE FUNCTION touch() RETURNS trigger AS $$\nBEGIN\n  NEW.updated_at := now(); -- a ; inside\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;\nCREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();\n`,
  `-- shipgate-ignore drop-column: contract step, nothing reads legacy\nALTER TABLE accounts DROP COLUMN IF EXISTS legacy;\nUPDATE accounts SET note = 'x' WHERE id < 10;\n`,
  `ALTER TABLE accounts ALTER COLUMN note SET NOT NULL;\nALTER TABLE accounts ADD COLUMN flag boolean DEFAULT false;\nINSERT INTO accounts (email) VALUES ('a@example.com'), ('b@example.com');\n`,
  `ALTER TABLE orders RENAME COLUMN total TO amount;\nALTER TABLE orders ALTER COLUMN amount TYPE numeric(12, 2);\nALTER TABLE orders ADD COLUMN region text NOT NULL;\nDROP TABLE IF EXISTS carts;\n`,
  `/* a block comment */ CREATE TYPE status AS ENUM ('new', 'paid');\nALTER TYPE status ADD VALUE 'refunded';\nALTER TABLE orders ADD CONSTRAINT orders_ref UNIQUE (ref);\nCREATE UNIQUE INDEX orders_ref_idx ON orders (ref);\n`,
  `-- shipgate-ignore truncate\nTRUNCATE sessions;\nREINDEX TABLE orders;\nALTER TABLE orders ALTER COLUMN region DROP DEFAULT;\nALTER TABLE orders DROP CONSTRAINT orders_ref;\n`,
  `CREATE TABLE broken (id int,);\n`,
];

const file = process.argv[2];
const script = compileScript(file, readFileSync(file, "utf8"));
const { lintFiles } = runScript(script, file);
const files = MIGRATIONS.map((text, i) => ({ path: `db/${String(i + 1).padStart(3, "0")}_change.sql`, text }));
JSON.stringify(await lintFiles(files), null, 2);
JSON.stringify(await lintFiles(files.slice(0, 2), { layout: "dbmate", transaction: "always", hasDowns: true }), null, 2);
writeFileSync(`${file}.cache`, script.createCachedData());
