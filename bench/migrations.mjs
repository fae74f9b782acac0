#!/usr/bin/env node
// `pnpm bench migrations`: static lint of a generated corpus of 600 migration files, shipgate vs squawk-cli (npm) on
// the same files in one run, and the dynamic verify time for 100 migrations on PGlite and on a real PostgreSQL server.
// Needs `pnpm build` first (it runs the built CLI and library). Prints figures; never asserts on time.
import { spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatMs, formatRatio, summarize } from "./lib/timing.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const work = join(root, ".bench-work", "migrations");
const squawk = join(root, "packages/migrations/node_modules/.bin/squawk");
const cli = join(root, "packages/cli/bin.js");
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const FILES = 600;

const lib = await import(join(root, "packages/migrations/dist/index.js"));

rmSync(work, { recursive: true, force: true });
const corpus = join(work, "corpus");
mkdirSync(corpus, { recursive: true });
const files = [];
for (let i = 1; i <= FILES; i++) {
  const path = join(corpus, `${String(i).padStart(4, "0")}_change_${i}.sql`);
  writeFileSync(path, migration(i));
  files.push(path);
}
const bytes = files.reduce((n, f) => n + Buffer.byteLength(migration(Number(f.match(/(\d{4})_/)[1]))), 0);
console.log(`corpus: ${FILES} files, ${(bytes / 1024).toFixed(0)} KiB (${corpus})`);

// Whole processes, cold start included: what a CI step pays.
const time = (command, args) => {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 1 << 28, cwd: work });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0 && result.status !== 1) throw new Error(`${command} failed (${result.status}): ${result.stderr}`);
  return { ms, result };
};
const rel = files.map((f) => f.slice(work.length + 1));
const shipgateRun = () => time(process.execPath, [cli, "migrations", "lint", "--format", "json", ...rel]);
const squawkRun = () => time(squawk, ["--reporter", "json", ...rel]);
if (!existsSync(squawk)) throw new Error("squawk-cli is not installed (pnpm install installs it as a devDependency of @shipgate/migrations)");
const first = shipgateRun();
const findings = JSON.parse(first.result.stdout).findings.length;
const squawkFirst = squawkRun();
console.log(`findings: shipgate ${findings}, squawk ${safeCount(squawkFirst.result.stdout)} (different rule sets; squawk has no release state)`);
const ours = [];
const theirs = [];
for (let i = 0; i < RUNS; i++) {
  ours.push(shipgateRun().ms);
  theirs.push(squawkRun().ms);
}
const a = summarize(ours);
const b = summarize(theirs);
console.log(`static lint, whole process (median of ${RUNS}):`);
console.log(`  shipgate migrations lint  ${formatMs(a.median)}  (p90 ${formatMs(a.p90)})`);
console.log(`  squawk 2.66.0             ${formatMs(b.median)}  (p90 ${formatMs(b.p90)})`);
console.log(`  ratio shipgate/squawk     ${formatRatio(a.median / b.median)}  (target <= 1.00x)`);

// In-process, warm parser: the cost of the analysis itself.
const texts = files.map((path, i) => ({ path, text: migration(i + 1) }));
await lib.lintFiles(texts.slice(0, 10));
const warm = [];
for (let i = 0; i < RUNS; i++) {
  const start = process.hrtime.bigint();
  await lib.lintFiles(texts);
  warm.push(Number(process.hrtime.bigint() - start) / 1e6);
}
console.log(`  shipgate in-process, warm ${formatMs(summarize(warm).median)} for ${FILES} files`);

// Dynamic: 100 migrations (with downs) and 20 old queries, verified end to end.
const base = { migration: meta("000_base", false), up: "CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL);", down: null };
const added = Array.from({ length: 100 }, (_, i) => dynamicMigration(i + 1));
const queries = Array.from({ length: 20 }, (_, i) => ({
  name: `q${i}`,
  path: "queries.sql",
  line: i + 1,
  sql: `SELECT id, email FROM accounts WHERE id = $1 AND ${i} = ${i}`,
  params: ["bigint"],
}));
const verify = async (databaseUrl) => {
  const start = process.hrtime.bigint();
  const result = await lib.verifyRelease({ previous: [base], added, queries, databaseUrl });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.findings.length > 0 || result.summary.downs.verified !== added.length)
    throw new Error(`verify found problems: ${JSON.stringify(result.findings.slice(0, 3))}`);
  return ms;
};
const pgliteTimes = [];
for (let i = 0; i < 3; i++) pgliteTimes.push(await verify(undefined));
console.log(`dynamic verify, 100 migrations + downs + 20 old queries (median of 3):`);
console.log(`  PGlite (embedded)         ${formatMs(summarize(pgliteTimes).median)}`);
const server = startPostgres();
if (server === null) console.log("  PostgreSQL server         skipped: no /usr/lib/postgresql/*/bin/initdb");
else {
  try {
    const url = await server.url;
    const serverTimes = [];
    for (let i = 0; i < 3; i++) serverTimes.push(await verify(url));
    console.log(`  PostgreSQL ${server.version} server     ${formatMs(summarize(serverTimes).median)}`);
  } finally {
    server.stop();
  }
}

function safeCount(stdout) {
  try {
    const parsed = JSON.parse(stdout);
    return Array.isArray(parsed) ? parsed.length : "?";
  } catch {
    return "?";
  }
}

function migration(i) {
  const t = `t${i}`;
  const prev = `t${Math.max(1, i - 1)}`;
  const variants = [
    `-- create ${t} (naïve ünïcödé comment)\nCREATE TABLE ${t} (id bigserial PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());\nCREATE INDEX ${t}_name ON ${t} (name);\n`,
    `SET lock_timeout = '2s';\nALTER TABLE ${prev} ADD COLUMN note_${i} text;\nCREATE INDEX CONCURRENTLY ${prev}_note_${i} ON ${prev} (note_${i});\n`,
    `ALTER TABLE ${prev} ADD CONSTRAINT ${prev}_fk_${i} FOREIGN KEY (id) REFERENCES t1 (id) NOT VALID;\nALTER TABLE ${prev} VALIDATE CONSTRAINT ${prev}_fk_${i};\n`,
    `CREATE OR REPLACE FUNCTION touch_${i}() RETURNS trigger AS $$\nBEGIN\n  NEW.created_at := now(); -- keep ; inside\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;\n`,
    `-- shipgate-ignore drop-column: contract step, nothing reads old_${i}\nALTER TABLE ${prev} DROP COLUMN IF EXISTS old_${i};\nUPDATE ${prev} SET name = 'x' WHERE id < ${i};\n`,
    `ALTER TABLE ${prev} ALTER COLUMN name SET NOT NULL;\nALTER TABLE ${prev} ADD COLUMN flag boolean DEFAULT false;\nINSERT INTO ${prev} (name) VALUES ('a'), ('b');\n`,
  ];
  return variants[i % variants.length];
}

function meta(name, hasDowns) {
  return {
    layout: "golang-migrate",
    version: name,
    name,
    up: `db/${name}.up.sql`,
    down: hasDowns ? `db/${name}.down.sql` : null,
    hasDowns,
    repeatable: false,
    transaction: "none",
  };
}

function dynamicMigration(i) {
  const kind = (i - 1) % 4;
  const t = `d${Math.ceil(i / 4)}`;
  const up = [
    `CREATE TABLE ${t} (id bigserial PRIMARY KEY, account_id bigint, label text);`,
    `ALTER TABLE ${t} ADD COLUMN note text;`,
    `CREATE INDEX CONCURRENTLY ${t}_label ON ${t} (label);`,
    `ALTER TABLE ${t} ADD CONSTRAINT ${t}_fk FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID;`,
  ][kind];
  const down = [`DROP TABLE ${t};`, `ALTER TABLE ${t} DROP COLUMN note;`, `DROP INDEX CONCURRENTLY ${t}_label;`, `ALTER TABLE ${t} DROP CONSTRAINT ${t}_fk;`][
    kind
  ];
  return { migration: meta(`${String(i).padStart(3, "0")}_m`, true), up, down };
}

/** A throw-away server on 127.0.0.1, as the postgres user when running as root; null when PostgreSQL is not installed. */
function startPostgres() {
  const base = "/usr/lib/postgresql";
  const version = existsSync(base)
    ? readdirSync(base)
        .sort((x, y) => Number(y) - Number(x))
        .find((v) => existsSync(join(base, v, "bin/initdb")))
    : undefined;
  if (version === undefined) return null;
  const bin = join(base, version, "bin");
  const dir = mkdtempSync(join(tmpdir(), "shipgate-bench-pg-"));
  const ids = process.getuid?.() === 0 ? { uid: Number(idOf("-u")), gid: Number(idOf("-g")) } : {};
  if (ids.uid !== undefined) chownSync(dir, ids.uid, ids.gid);
  const run = (file, args) => {
    const r = spawnSync(join(bin, file), args, { cwd: dir, encoding: "utf8", ...ids });
    if (r.status !== 0) throw new Error(`${file}: ${r.stderr}`);
  };
  run("initdb", ["-D", join(dir, "data"), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
  const url = freePort().then((port) => {
    run("pg_ctl", ["-D", join(dir, "data"), "-l", join(dir, "log"), "-w", "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, "start"]);
    return `postgres://postgres@127.0.0.1:${port}/postgres`;
  });
  return {
    url,
    version,
    stop: () => {
      spawnSync(join(bin, "pg_ctl"), ["-D", join(dir, "data"), "-m", "fast", "-w", "stop"], { ...ids });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function idOf(flag) {
  return spawnSync("id", [flag, "postgres"], { encoding: "utf8" }).stdout.trim();
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}
