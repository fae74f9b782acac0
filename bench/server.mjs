#!/usr/bin/env node
/**
 * Server gate benchmark: push a generated 10,000-commit history into a bare repository with no hook, with
 * shipgate's hooks, and time a plain `git log -p` over the same range; then push 100 more commits onto it the
 * same ways. Prints times and ratios; git's own trace times each hook process. Target (issue 15): the
 * pre-receive hook at most 1.0x the `git log -p --cc` on a quiet machine, and a 100-commit push checked well
 * inside 1 s.
 *
 * Knobs: BENCH_COMMITS (10000), BENCH_BIG_RUNS (5, medians of the initial push), BENCH_RUNS (3, for the 100-commit pushes),
 * BENCH_COMPARE_ENTRY (the bin.js of another build of @shipgate/server, with its node_modules: its pre-receive hook is
 * timed in the same runs, interleaved, for an A/B on a shared machine).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const WORK = join(ROOT, ".bench-work", "server");
const SHIPGATE = join(ROOT, "packages", "cli", "bin.js");
const COMMITS = Number(process.env.BENCH_COMMITS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const BIG_RUNS = Number(process.env.BENCH_BIG_RUNS ?? 5);
const COMPARE = process.env.BENCH_COMPARE_ENTRY ? resolve(process.env.BENCH_COMPARE_ENTRY) : null;
const ENV = {
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("GIT_"))),
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
};
const CONFIG = `policies:
  commit-message: error
  forbidden-paths: error
  file-size: { max: 1 MB }
  secrets: error
  protected-refs: error
`;
const log = (line) => process.stderr.write(`[server] ${line}\n`);

const git = (cwd, args, input) => execFileSync("git", args, { cwd, env: ENV, input, maxBuffer: 1 << 30 });

if (!existsSync(join(ROOT, "packages", "server", "dist", "bin.js"))) {
  console.error("build first: pnpm build");
  process.exit(2);
}
rmSync(WORK, { recursive: true, force: true });
mkdirSync(WORK, { recursive: true });
const work = join(WORK, "work");
git(WORK, ["init", "-q", "-b", "main", work]);
log(`generating ${COMMITS} commits`);
git(work, ["fast-import", "--quiet"], history(COMMITS, 0));
git(work, ["reset", "-q", "--hard", "main"]);
const base = git(work, ["rev-parse", "main"]).toString().trim();
const config = join(WORK, "server.yml");
writeFileSync(config, CONFIG);

// The initial push, BIG_RUNS times into fresh bare repositories, interleaved so machine noise hits all three alike.
let plain;
let gated;
const runs = { none: [], hook: [], log: [], logDefault: [], said: [], pre: [], post: [], comparePre: [] };
for (let i = 0; i < BIG_RUNS; i++) {
  rmSync(join(WORK, "plain.git"), { recursive: true, force: true });
  rmSync(join(WORK, "gated.git"), { recursive: true, force: true });
  plain = bare("plain.git", false);
  gated = bare("gated.git", true);
  runs.none.push(timePush(plain, "main").ms);
  const hooked = timePush(gated, "main");
  runs.hook.push(hooked.ms);
  runs.said.push(hooked.said);
  runs.pre.push(hooked.hooks["pre-receive"] ?? NaN);
  runs.post.push(hooked.hooks["post-receive"] ?? NaN);
  if (COMPARE) {
    rmSync(join(WORK, "compare.git"), { recursive: true, force: true });
    const other = bare("compare.git", true);
    // The hook script names its entry once (templates.ts): the other build's bin.js takes its place.
    const hook = join(other, "hooks", "pre-receive");
    writeFileSync(
      hook,
      readFileSync(hook, "utf8").replace(/^entry=.*$/m, () => `entry='${COMPARE.replace(/'/g, "'\\''")}'`),
    );
    runs.comparePre.push(timePush(other, "main").hooks["pre-receive"] ?? NaN);
  }
  runs.log.push(time(() => git(work, ["log", "-p", "--cc", "--no-color", base])));
  runs.logDefault.push(time(() => git(work, ["log", "-p", "--no-color", base])));
  log(
    `run ${i + 1}: no hook ${fmt(runs.none.at(-1))}, hook ${fmt(hooked.ms)} (pre-receive ${fmt(runs.pre.at(-1))}; ${hooked.said})${COMPARE ? `, compared build's pre-receive ${fmt(runs.comparePre.at(-1))}` : ""}, log -p --cc ${fmt(runs.log.at(-1))}, load ${load()}`,
  );
}
const big = {
  none: { ms: median(runs.none) },
  hook: { ms: median(runs.hook), said: runs.said[runs.hook.indexOf(median(runs.hook))] },
  log: median(runs.log),
  logDefault: median(runs.logDefault),
  pre: median(runs.pre),
  post: median(runs.post),
};

// 100 more commits on top, pushed RUNS times (each run resets the servers to the base).
git(work, ["fast-import", "--quiet", "--force"], history(100, COMMITS, base));
const tip = git(work, ["rev-parse", "main"]).toString().trim();
const small = { none: [], hook: [], log: [], said: [], pre: [] };
for (let i = 0; i < RUNS; i++) {
  for (const repo of [plain, gated]) git(repo, ["update-ref", "refs/heads/main", base]);
  small.none.push(timePush(plain, "main").ms);
  const hooked = timePush(gated, "main");
  small.hook.push(hooked.ms);
  small.said.push(hooked.said);
  small.pre.push(hooked.hooks["pre-receive"] ?? NaN);
  small.log.push(time(() => git(work, ["log", "-p", "--cc", "--no-color", `${base}..${tip}`])));
}

const overhead = big.hook.ms - big.none.ms;
const med = median;
const smallOverhead = med(small.hook) - med(small.none);
console.log(
  `server gate, ${COMMITS}-commit initial push, median of ${BIG_RUNS} (git ${git(WORK, ["--version"]).toString().trim().replace("git version ", "")}, node ${process.versions.node})`,
);
console.log(`  push, no hook            ${fmt(big.none.ms)}`);
console.log(`  push, shipgate hooks     ${fmt(big.hook.ms)}   (overhead ${fmt(overhead)}; ${big.hook.said})`);
console.log(`    pre-receive hook       ${fmt(big.pre)}   (git's trace: the checker's process from start to exit)`);
console.log(`    post-receive hook      ${fmt(big.post)}   (the deploy trigger, @shipgate/deploy)`);
console.log(`  git log -p --cc          ${fmt(big.log)}`);
console.log(`  git log -p (no merges)   ${fmt(big.logDefault)}`);
console.log(`  pre-receive / log -p     ${(big.pre / big.log).toFixed(2)}x   (target <= 1.0x on a quiet machine)`);
if (COMPARE) {
  const other = median(runs.comparePre);
  console.log(
    `  compared build's hook    ${fmt(other)}   (${COMPARE}), ${(other / big.log).toFixed(2)}x log -p; this build / that: ${(big.pre / other).toFixed(2)}x`,
  );
}
console.log(`  hooks overhead / log -p  ${(overhead / big.log).toFixed(2)}x   (both hooks, from the push times)`);
console.log(`  hook push / plain push   ${(big.hook.ms / big.none.ms).toFixed(2)}x`);
console.log(`100-commit push onto it (median of ${RUNS})`);
console.log(`  push, no hook            ${fmt(med(small.none))}`);
console.log(
  `  push, shipgate hooks     ${fmt(med(small.hook))}   (overhead ${fmt(smallOverhead)}; pre-receive ${fmt(med(small.pre))}; ${med(small.said.map((s) => s))})`,
);
console.log(`  git log -p --cc          ${fmt(med(small.log))}`);
console.log(`  hooks overhead / log -p  ${(smallOverhead / med(small.log)).toFixed(2)}x   (target: well inside 1 s)`);
console.log(`load average ${load()} on ${availableParallelism()} cores`);

function bare(name, hooked) {
  const dir = join(WORK, name);
  git(WORK, ["init", "-q", "--bare", "-b", "main", dir]);
  git(dir, ["config", "gc.auto", "0"]);
  if (hooked) execFileSync(process.execPath, [SHIPGATE, "server", "install", dir, "--config", config], { env: ENV, stdio: "ignore" });
  return dir;
}

/** One push, timed as a whole; git's trace2 events time each hook process (nested git calls of the hook are not traced). */
function timePush(repo, ref) {
  const trace = join(WORK, "trace2.json");
  rmSync(trace, { force: true });
  const started = performance.now();
  const result = spawnSync("git", ["push", "-q", repo, ref], { cwd: work, env: { ...ENV, GIT_TRACE2_EVENT: trace }, encoding: "utf8", maxBuffer: 1 << 28 });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`push to ${repo} failed: ${result.stderr}`);
  const said = /checked .*?ok/.exec(result.stderr)?.[0] ?? "(no hook)";
  return { ms, said, hooks: hookTimes(trace) };
}

/** Milliseconds each hook ran, by name, from a GIT_TRACE2_EVENT file. */
function hookTimes(file) {
  const events = existsSync(file)
    ? readFileSync(file, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line))
    : [];
  const names = new Map();
  const times = {};
  for (const event of events) {
    const child = `${event.sid} ${event.child_id}`;
    if (event.event === "child_start" && event.child_class === "hook") names.set(child, event.hook_name);
    if (event.event === "child_exit" && names.has(child)) times[names.get(child)] = event.t_rel * 1000;
  }
  return times;
}

function load() {
  return loadavg()
    .map((n) => n.toFixed(2))
    .join(" ");
}

function median(xs) {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

function time(fn) {
  const started = performance.now();
  fn();
  return performance.now() - started;
}

function fmt(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

/** A fast-import stream: `count` conventional commits, each editing two of 200 source files; every 50th is a merge. */
function history(count, offset, from) {
  const out = [];
  let mark = 0;
  const files = 200;
  for (let i = 0; i < count; i++) {
    const n = offset + i;
    mark++;
    const body = (f) => `export const value${f} = ${n};\n// change ${n} in file ${f}\n`.repeat(3);
    const parent = mark === 1 ? (from ? `from ${from}\n` : "") : `from :${mark - 1}\n`;
    const merge = n % 50 === 49 && mark > 3 ? `merge :${mark - 3}\n` : "";
    const a = n % files;
    const b = (n * 7 + 3) % files;
    out.push(
      `commit refs/heads/main\nmark :${mark}\nauthor Bench <bench@example.com> ${1700000000 + n} +0000\ncommitter Bench <bench@example.com> ${1700000000 + n} +0000\n`,
      data(`feat(bench): change ${n}\n`),
      parent,
      merge,
      `M 100644 inline src/file${a}.ts\n`,
      data(body(a)),
      `M 100644 inline src/file${b}.ts\n`,
      data(body(b)),
      "\n",
    );
  }
  return out.join("");
}

function data(text) {
  return `data ${Buffer.byteLength(text)}\n${text}`;
}
