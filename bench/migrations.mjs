#!/usr/bin/env node
// `pnpm bench migrations`: static lint of a generated corpus of 600 migration files, shipgate (cold, warm from its
// findings cache, warm after one file's edit) vs squawk-cli (npm) on the same files in one run; the dynamic verify time for 100 migrations on PGlite
// and on a real PostgreSQL server; and the release gate on a generated history of 100 and 300 migrations plus a
// 5-migration release, cold and warm (the previous schema cached), beside the floor: `psql -f` of the same 5 migrations.
// Needs `pnpm build` first (it runs the built CLI and library). Prints figures; never asserts on time.
import { spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gitEnv, initRepo } from "./lib/bench-git.mjs";
import { gateRepo } from "./lib/migration-history.mjs";
import { formatMs, formatRatio, summarize } from "./lib/timing.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const work = join(root, ".bench-work", "migrations");
const squawk = join(root, "packages/migrations/node_modules/.bin/squawk");
const cli = join(root, "packages/cli/bin.js");
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const GATE_RUNS = Number(process.env.BENCH_GATE_RUNS ?? 3);
const FILES = 600;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
console.log(`load average at start: ${load()}`);

const lib = await import(join(root, "packages/migrations/dist/index.js"));

rmSync(work, { recursive: true, force: true });
// The corpus is a git repository of its own, so that the parse cache lives in its git dir.
const corpusRepo = initRepo(join(work, "lint"));
const corpus = join(corpusRepo.dir, "corpus");
mkdirSync(corpus, { recursive: true });
const files = [];
for (let i = 1; i <= FILES; i++) {
  const path = join(corpus, `${String(i).padStart(4, "0")}_change_${i}.sql`);
  writeFileSync(path, migration(i));
  files.push(path);
}
const bytes = files.reduce((n, f) => n + Buffer.byteLength(migration(Number(f.match(/(\d{4})_/)[1]))), 0);
console.log(`corpus: ${FILES} files, ${(bytes / 1024).toFixed(0)} KiB (${corpus})`);

// Whole processes, cold start included: what a CI step pays. Beside the wall time, the CPU time (user + system, from
// /usr/bin/time when it is installed), which a busy machine disturbs less.
const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : null;
const cpuFile = join(tmpdir(), `shipgate-bench-cpu-${process.pid}`);
function timed(command, args, options) {
  const wrapped = TIME === null ? [command, args] : [TIME, ["-f", "%U %S", "-o", cpuFile, command, ...args]];
  const start = process.hrtime.bigint();
  const result = spawnSync(wrapped[0], wrapped[1], { encoding: "utf8", maxBuffer: 1 << 28, ...options });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu =
    TIME === null
      ? NaN
      : readFileSync(cpuFile, "utf8")
          .trim()
          .split(/\s+/)
          .slice(-2)
          .reduce((n, s) => n + Number(s) * 1000, 0);
  return { ms, cpu, result };
}
const time = (command, args, env = process.env) => {
  const { ms, cpu, result } = timed(command, args, { cwd: corpusRepo.dir, env });
  if (result.status !== 0 && result.status !== 1) throw new Error(`${command} failed (${result.status}): ${result.stderr}`);
  return { ms, cpu, result };
};
const cpuOf = (runs) => (TIME === null ? "" : `, CPU ${formatMs(summarize(runs.map((r) => r.cpu)).median)}`);
const msOf = (runs) => runs.map((r) => r.ms);
const rel = files.map((f) => f.slice(corpusRepo.dir.length + 1));
const parseCache = join(corpusRepo.dir, ".git", "shipgate", "cache");
// The package's bin, what an installed `shipgate` runs (bin.js is an ES module that imports it: ~8 ms more to start).
const lintArgs = [join(root, "packages/cli/bin.cjs"), "migrations", "lint", "--format", "json", ...rel];
const shipgateOff = () => time(process.execPath, lintArgs, { ...process.env, SHIPGATE_CACHE: "off" });
const shipgateCold = () => {
  rmSync(parseCache, { recursive: true, force: true });
  return time(process.execPath, lintArgs);
};
const shipgateWarm = () => time(process.execPath, lintArgs);
// One file edited since the last (warm) lint: the findings cache misses, the parse cache has the other 599 files, so
// the parser is loaded for that one file and the rules run over the whole sequence.
const edited = files[files.length - 1];
const versions = [readFileSync(edited, "utf8"), `${readFileSync(edited, "utf8")}-- edited\n`];
let flips = 0;
const shipgateEdited = () => {
  writeFileSync(edited, versions[++flips % 2]);
  return time(process.execPath, lintArgs);
};
const squawkRun = () => time(squawk, ["--reporter", "json", ...rel]);
if (!existsSync(squawk)) throw new Error("squawk-cli is not installed (pnpm install installs it as a devDependency of @shipgate/migrations)");
const first = shipgateCold();
const findings = JSON.parse(first.result.stdout).findings.length;
const warmFirst = shipgateWarm();
if (warmFirst.result.stdout !== first.result.stdout) throw new Error("the warm lint's findings differ from the cold lint's");
if (shipgateEdited().result.stdout !== shipgateOff().result.stdout) throw new Error("the lint after an edit differs from one without caches");
const squawkFirst = squawkRun();
console.log(
  `findings: shipgate ${findings} (cold and warm identical), squawk ${safeCount(squawkFirst.result.stdout)} (different rule sets; squawk has no release state)`,
);
const off = [];
const coldLint = [];
const warmLint = [];
const editedLint = [];
const theirs = [];
for (let i = 0; i < RUNS; i++) {
  off.push(shipgateOff());
  coldLint.push(shipgateCold());
  warmLint.push(shipgateWarm());
  editedLint.push(shipgateEdited());
  theirs.push(squawkRun());
}
writeFileSync(edited, versions[0]);
const a = summarize(msOf(off));
const c = summarize(msOf(coldLint));
const w = summarize(msOf(warmLint));
const e = summarize(msOf(editedLint));
const b = summarize(msOf(theirs));
console.log(`static lint, whole process (median of ${RUNS}, interleaved; load average ${load()}):`);
console.log(
  `  shipgate, no cache (SHIPGATE_CACHE=off)   ${formatMs(a.median)}  (p90 ${formatMs(a.p90)}${cpuOf(off)})  ${formatRatio(a.median / b.median)} of squawk`,
);
console.log(
  `  shipgate, cold (writes the caches)        ${formatMs(c.median)}  (p90 ${formatMs(c.p90)}${cpuOf(coldLint)})  ${formatRatio(c.median / b.median)} of squawk (not chased: docs/decisions/0008)`,
);
console.log(
  `  shipgate, warm (unchanged files)          ${formatMs(w.median)}  (p90 ${formatMs(w.p90)}${cpuOf(warmLint)})  ${formatRatio(w.median / b.median)} of squawk (target < 1.00x; findings cache)`,
);
console.log(
  `  shipgate, warm, 1 of ${FILES} files edited    ${formatMs(e.median)}  (p90 ${formatMs(e.p90)}${cpuOf(editedLint)})  ${formatRatio(e.median / b.median)} of squawk (parse cache; the rules run)`,
);
console.log(`  squawk 2.66.0                             ${formatMs(b.median)}  (p90 ${formatMs(b.p90)}${cpuOf(theirs)})`);

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
    gateBench(url, server.bin);
  } finally {
    server.stop();
  }
}

/**
 * The release gate as a CI step runs it (`shipgate migrations verify --from v1 --to HEAD`, whole process) on a history
 * of 100 and of 300 migrations with the same 5-migration release: cold (no cache: the previous schema is built from
 * its migrations, then stored) and warm (copied from the cache: PGlite's data directory in the git dir, a template
 * database on the server), beside `psql -f` of the 5 migrations onto a database that already has the history.
 */
function gateBench(url, bin) {
  const env = gitEnv();
  const psql = (args, input) => {
    const { hostname, port } = new URL(url);
    const r = spawnSync(join(bin, "psql"), ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", hostname, "-p", port, "-U", "postgres", ...args], {
      encoding: "utf8",
      input,
      maxBuffer: 1 << 28,
    });
    if (r.status !== 0) throw new Error(`psql ${args.join(" ")} failed: ${r.stderr}`);
    return r.stdout.trim();
  };
  const dropTemplates = () => {
    for (const name of psql(["-d", "postgres", "-c", "SELECT datname FROM pg_database WHERE datname LIKE 'shipgate\\_schema\\_%'"])
      .split("\n")
      .filter(Boolean)) {
      psql(["-d", "postgres", "-c", `ALTER DATABASE ${name} WITH IS_TEMPLATE false`]);
      psql(["-d", "postgres", "-c", `DROP DATABASE ${name}`]);
    }
  };
  const rows = [];
  for (const history of [100, 300]) {
    const repo = gateRepo(join(work, `gate-${history}`), history);
    const cache = join(repo.dir, ".git", "shipgate", "cache");
    let verdict = null;
    const gate = (database) => {
      const args = [cli, "migrations", "verify", "--from", "v1", "--to", "HEAD", "--format", "json", ...(database ? ["--database", database] : [])];
      const { ms, cpu, result: r } = timed(process.execPath, args, { cwd: repo.dir, env });
      if (r.status !== 0 && r.status !== 1) throw new Error(`gate failed (${r.status}): ${r.stderr}`);
      const found = JSON.stringify({ code: r.status, findings: JSON.parse(r.stdout).findings });
      verdict ??= found;
      if (found !== verdict) throw new Error(`the gate's verdict changed between runs:\n${verdict}\n${found}`);
      return { ms, cpu };
    };
    const row = { history };
    for (const [engine, database] of [
      ["pglite", undefined],
      ["server", url],
    ]) {
      const cold = [];
      const warm = [];
      for (let i = 0; i < GATE_RUNS; i++) {
        rmSync(cache, { recursive: true, force: true });
        if (database) dropTemplates();
        cold.push(gate(database));
        warm.push(gate(database));
      }
      row[`${engine}Cold`] = summarize(msOf(cold)).median;
      row[`${engine}Warm`] = summarize(msOf(warm)).median;
      row[`${engine}ColdCpu`] = summarize(cold.map((r) => r.cpu)).median;
      row[`${engine}WarmCpu`] = summarize(warm.map((r) => r.cpu)).median;
    }
    // The floor: psql -f of the release's 5 migrations onto a copy of a database that has the history (copy untimed).
    const template = `floor_${history}`;
    psql(["-d", "postgres", "-c", `CREATE DATABASE ${template}`]);
    psql(["-d", template], repo.historySql);
    const releaseFile = join(work, `release-${history}.sql`);
    writeFileSync(releaseFile, repo.releaseSql);
    const floor = [];
    for (let i = 0; i < RUNS; i++) {
      psql(["-d", "postgres", "-c", `CREATE DATABASE floor_run TEMPLATE ${template}`]);
      const { hostname, port } = new URL(url);
      const start = process.hrtime.bigint();
      const r = spawnSync(join(bin, "psql"), [
        "-X",
        "-q",
        "-v",
        "ON_ERROR_STOP=1",
        "-h",
        hostname,
        "-p",
        port,
        "-U",
        "postgres",
        "-d",
        "floor_run",
        "-f",
        releaseFile,
      ]);
      floor.push(Number(process.hrtime.bigint() - start) / 1e6);
      if (r.status !== 0) throw new Error(`psql -f failed: ${r.stderr}`);
      psql(["-d", "postgres", "-c", "DROP DATABASE floor_run"]);
    }
    row.floor = summarize(floor).median;
    rows.push(row);
  }
  const [h100, h300] = rows;
  const cpu = (row, key) => (Number.isNaN(row[`${key}Cpu`] ?? NaN) ? "" : ` (CPU ${formatMs(row[`${key}Cpu`])})`);
  const cell = (row, key) => `${formatMs(row[key])}${cpu(row, key)}`.padStart(24);
  const line = (label, key) => console.log(`  ${label.padEnd(40)} ${cell(h100, key)} ${cell(h300, key)}   300/100 ${formatRatio(h300[key] / h100[key])}`);
  console.log(`release gate, 5 new migrations, whole process (median of ${GATE_RUNS}; floor of ${RUNS}; load average ${load()}):`);
  console.log(`  ${"history of".padEnd(40)} ${"100".padStart(24)} ${"300".padStart(24)}`);
  line("PGlite, cold (built, then stored)", "pgliteCold");
  line("PGlite, warm (copied from the cache)", "pgliteWarm");
  line("PostgreSQL, cold (template built)", "serverCold");
  line("PostgreSQL, warm (template copied)", "serverWarm");
  line("floor: psql -f of the 5 migrations", "floor");
  console.log(`  warm PGlite at 300: ${formatMs(h300.pgliteWarm)} (target <= 1 s); warm server / floor at 300: ${formatRatio(h300.serverWarm / h300.floor)}`);
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
    version: name.split("_")[0], // golang-migrate versions are numbers (the bookkeeping table keeps them as bigint)
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
    bin,
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
