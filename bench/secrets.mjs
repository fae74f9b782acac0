#!/usr/bin/env node
// `pnpm bench secrets`: the secrets policy against secretlint (recommended preset) on the same three corpora, in one run:
//   node_modules  every text file installed in this repository's node_modules, staged as one commit (code nobody here
//                 wrote: each finding is listed, and is a false alarm unless it is a sample credential),
//   clean         generated credential-free code in eight languages (every finding is a false alarm),
//   planted       the same kind of code with fake credentials of every well-known format at known lines (recall).
// Both tools run as whole processes, as users run them: `shipgate check --staged --policy secrets` (what pre-commit
// checks) and the `secretlint` CLI on the files of the same work tree, at most 1,000 files per process (secretlint
// 11's profiler makes one process quadratic in the file count: secretlint issue #1653, fixed in 13, which needs Node 22).
// Needs `pnpm build`. SHIPGATE_CLI=<bin.js> measures another build (main's, for before/after). Knobs: BENCH_RUNS (3),
// BENCH_SEED (fresh each run), BENCH_FILES (clean files per language, 50), BENCH_ROUNDS (planted rounds, 10).
// Prints figures; never asserts on time.
import { closeSync, copyFileSync, linkSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnSync } from "node:child_process";
import { initRepo } from "./lib/bench-git.mjs";
import { formatMs, summarize } from "./lib/timing.mjs";
import { EXPECTED_KINDS, cleanCorpus, plantedCorpus } from "../packages/test-utils/src/secrets-corpus.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const work = join(root, ".bench-work", "secrets");
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SEED = Number(process.env.BENCH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const BATCH = 1000;
const shipgateCli = resolve(process.env.SHIPGATE_CLI ?? join(root, "packages/cli/bin.js"));
const secretlintCli = join(root, "node_modules/secretlint/bin/secretlint.js");
const version = (name) => JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")).version;
const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(" ");

mkdirSync(work, { recursive: true });
const shipgateConfig = join(work, "shipgate.yml");
writeFileSync(shipgateConfig, "policies:\n  secrets: {}\n");
const secretlintConfig = join(work, "secretlintrc.json");
writeFileSync(secretlintConfig, JSON.stringify({ rules: [{ id: "@secretlint/secretlint-rule-preset-recommend" }] }));

console.log(
  `shipgate: ${relative(root, shipgateCli) || shipgateCli}; secretlint ${version("secretlint")}, preset-recommend ${version("@secretlint/secretlint-rule-preset-recommend")}`,
);
console.log(`node ${process.version}; seed ${SEED} (BENCH_SEED=${SEED} repeats this run); load average at start: ${load()}`);

const corpora = [nodeModulesCorpus(), generated("clean", cleanCorpus({ seed: SEED, filesPerLanguage: Number(process.env.BENCH_FILES ?? 50) }))];
const planted = plantedCorpus({ seed: SEED + 1, rounds: Number(process.env.BENCH_ROUNDS ?? 10) });
corpora.push({ ...generated("planted", planted.files), planted: planted.planted });

const results = [];
for (const corpus of corpora) {
  console.log(
    `\n${corpus.name}: ${corpus.paths.length.toLocaleString("en")} files, ${corpus.lines.toLocaleString("en")} lines, ${(corpus.bytes / 1e6).toFixed(1)} MB`,
  );
  const ours = [];
  const theirs = [];
  let shipgate = [];
  let secretlint = [];
  for (let run = 0; run < RUNS; run++) {
    ({ ms: ours[run], findings: shipgate } = runShipgate(corpus));
    ({ ms: theirs[run], findings: secretlint } = runSecretlint(corpus));
  }
  const row = {
    corpus: corpus.name,
    files: corpus.paths.length,
    lines: corpus.lines,
    shipgate: judge(corpus, shipgate),
    secretlint: judge(corpus, secretlint),
  };
  row.shipgate.ms = summarize(ours).median;
  row.secretlint.ms = summarize(theirs).median;
  results.push(row);
  for (const tool of ["shipgate", "secretlint"]) {
    const r = row[tool];
    const recall = corpus.planted ? `found ${r.found}/${corpus.planted.length} (${((100 * r.found) / corpus.planted.length).toFixed(1)}%), ` : "";
    const rules = Object.entries(r.falseAlarmsByRule).map(([rule, n]) => `${rule.replace("@secretlint/secretlint-rule-", "")} ${n}`);
    console.log(
      `  ${tool.padEnd(10)} ${recall}false alarms ${r.falseAlarms}${rules.length > 0 ? ` (${rules.join(", ")})` : ""}, ${formatMs(r.ms)} (median of ${RUNS})`,
    );
  }
  for (const [tool, findings] of [
    ["shipgate", shipgate],
    ["secretlint", secretlint],
  ])
    for (const f of findings.filter((f) => !f.planted).slice(0, 20))
      console.log(`    ${tool}: ${f.path}:${f.line} ${f.kind.replace("@secretlint/secretlint-rule-", "")}`);
  if (corpus.planted) printRecallByKind(row);
}
console.log(`\nload average at end: ${load()}`);
writeFileSync(join(root, ".bench-work", "secrets-results.json"), JSON.stringify({ seed: SEED, shipgate: shipgateCli, load: loadavg(), results }, null, 2));

/** Every text file (no NUL in its first 8,000 bytes, as git decides) under node_modules/.pnpm, hard-linked into a repo. */
function nodeModulesCorpus() {
  const source = join(root, "node_modules", ".pnpm");
  const repo = initRepo(join(work, "node_modules"));
  const paths = [];
  const head = Buffer.alloc(8000);
  for (const entry of readdirSync(source, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const from = join(entry.parentPath, entry.name);
    const fd = openSync(from, "r");
    const read = readSync(fd, head, 0, head.length, 0);
    closeSync(fd);
    if (head.subarray(0, read).includes(0)) continue;
    // The secretlint CLI skips every path with a node_modules segment, and a package's own .gitattributes would change
    // how git diffs the copies: both are renamed, so that both tools read every file.
    const path = relative(source, from)
      .replace(/(^|\/)node_modules(?=\/)/g, "$1node_modules_")
      .replace(/(^|\/)\.gitattributes$/, "$1_gitattributes");
    mkdirSync(dirname(join(repo.dir, path)), { recursive: true });
    try {
      linkSync(from, join(repo.dir, path));
    } catch {
      copyFileSync(from, join(repo.dir, path));
    }
    paths.push(path);
  }
  repo.git("add", "-A", "-f");
  return { name: "node_modules", dir: repo.dir, env: repo.env, paths, ...countLines(repo.dir, paths) };
}

function generated(name, files) {
  const repo = initRepo(join(work, name));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(repo.dir, path)), { recursive: true });
    writeFileSync(join(repo.dir, path), text);
  }
  repo.git("add", "-A");
  const paths = Object.keys(files);
  return { name, dir: repo.dir, env: repo.env, paths, ...countLines(repo.dir, paths) };
}

function countLines(dir, paths) {
  let lines = 0;
  let bytes = 0;
  for (const path of paths) {
    const content = readFileSync(join(dir, path));
    bytes += content.length;
    for (let at = content.indexOf(10); at !== -1; at = content.indexOf(10, at + 1)) lines++;
  }
  return { lines, bytes };
}

/** What pre-commit checks, as a whole process: `shipgate check --staged --policy secrets --format json`. */
function runShipgate(corpus) {
  const args = [shipgateCli, "check", "--staged", "--policy", "secrets", "--format", "json", "--config", shipgateConfig];
  const { ms, stdout } = timed(process.execPath, args, corpus.dir, [0, 1]);
  const report = JSON.parse(stdout);
  if (report.findings.some((f) => f.crashed)) throw new Error(`the secrets policy crashed: ${JSON.stringify(report.findings[0])}`);
  return { ms, findings: report.findings.map((f) => ({ path: f.path, line: f.line, kind: f.message.replace(/ found .*$/, "") })) };
}

/** The secretlint CLI with the recommended preset on the same files, BATCH files per process, one after another. */
function runSecretlint(corpus) {
  let ms = 0;
  const findings = [];
  for (let i = 0; i < corpus.paths.length; i += BATCH) {
    const args = [secretlintCli, "--secretlintrc", secretlintConfig, "--format", "compact", "--maskSecrets", "--no-color", ...corpus.paths.slice(i, i + BATCH)];
    const run = timed(process.execPath, args, corpus.dir, [0, 1]);
    ms += run.ms;
    for (const line of run.stdout.split("\n")) {
      const match = /^(.*): line (\d+), col \d+, \w+ - .* \((?:.* > )?(@secretlint\/[^)]*)\)$/.exec(line);
      if (match) findings.push({ path: relative(corpus.dir, resolve(corpus.dir, match[1])), line: Number(match[2]), kind: match[3] });
      else if (line.trim() !== "" && !/^\d+ problems?/.test(line.trim())) throw new Error(`unexpected secretlint output: ${line}`);
    }
  }
  return { ms, findings };
}

function timed(command, args, cwd, okCodes) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd, encoding: "utf8", maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (!okCodes.includes(result.status)) throw new Error(`${args.slice(0, 3).join(" ")} failed (exit ${result.status ?? result.signal}): ${result.stderr}`);
  return { ms, stdout: result.stdout };
}

/** Found planted credentials (a finding on the planted line; for shipgate, of the expected kind) and false alarms. */
function judge(corpus, findings) {
  const planted = new Map((corpus.planted ?? []).map((p) => [`${p.path}:${p.line}`, p]));
  const found = new Set();
  let falseAlarms = 0;
  for (const finding of findings) {
    const at = planted.get(`${finding.path}:${finding.line}`);
    finding.planted = at !== undefined;
    if (at === undefined) falseAlarms++;
    else if (!finding.kind.startsWith("@secretlint") ? EXPECTED_KINDS[at.kind].includes(finding.kind) : true) found.add(at);
  }
  const byKind = {};
  for (const p of corpus.planted ?? []) {
    byKind[p.kind] ??= { found: 0, total: 0 };
    byKind[p.kind].total++;
    if (found.has(p)) byKind[p.kind].found++;
  }
  const byRule = {};
  for (const finding of findings) if (!finding.planted) byRule[finding.kind] = (byRule[finding.kind] ?? 0) + 1;
  return { found: found.size, falseAlarms, byKind, falseAlarmsByRule: byRule };
}

function printRecallByKind(row) {
  console.log(`  found per kind          shipgate  secretlint`);
  for (const kind of Object.keys(EXPECTED_KINDS)) {
    const a = row.shipgate.byKind[kind];
    const b = row.secretlint.byKind[kind];
    if (a) console.log(`    ${kind.padEnd(22)} ${`${a.found}/${a.total}`.padStart(7)}  ${`${b.found}/${b.total}`.padStart(10)}`);
  }
}
