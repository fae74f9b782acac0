#!/usr/bin/env node
/**
 * Client hooks benchmark: wall time of a real `git commit` on one generated 10,000-file repo with 1 and 50
 * staged files, for no hooks, husky + lint-staged + commitlint, and shipgate doing the same work, linting in the
 * hook and on its warm lint daemon; plus each shipgate hook with no eslint/prettier work against a bare `node -e ''`,
 * and the daemon's memory once warm and idle. Writes .bench-work/client-results.json.
 *
 * Knobs: BENCH_RUNS (10), BENCH_WARMUP (2), BENCH_FILES (10000).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpus, loadavg, release, type as osType } from "node:os";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureTools, installedVersion, TOOL_VERSIONS } from "./lib/client-tools.mjs";
import { messyEdit, POLICY_ONLY_CONFIG, writeRepoFiles } from "./lib/client-repo.mjs";
import { formatMs, formatRatio, summarize, timeCommand } from "./lib/timing.mjs";
import { initRepo, snapshotShipgate } from "./lib/bench-git.mjs";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const WORK = join(ROOT, ".bench-work", "client");
const RESULTS_FILE = join(ROOT, ".bench-work", "client-results.json");
const BUILT_CLI = join(ROOT, "packages", "cli");
// The hooks run a copy of the built CLI taken at start, so a rebuild in the working tree cannot break a run.
const SHIPGATE_BIN = join(WORK, "shipgate-cli", "bin.cjs");
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const FILE_COUNT = Number(process.env.BENCH_FILES ?? 10_000);
const HOOK_RUNS = Math.max(20, RUNS * 2);
const SIZES = [1, 50];
/** The targets of issue 15, each "at most": per setup and number of staged files, against the husky stack. */
const TARGETS = {
  vsHusky: { shipgate: { 1: 0.6, 50: 0.5 }, shipgateWarm: { 1: 0.25, 50: 0.5 } },
  vsNode: 1.5,
};
const LOAD_AT_START = loadavg();
const log = (line) => process.stderr.write(`[client] ${line}\n`);

await main();

async function main() {
  const started = Date.now();
  snapshotShipgate(BUILT_CLI, SHIPGATE_BIN);
  const nodeModules = ensureTools(join(WORK, "tools"), log);
  const repo = createBenchRepo(nodeModules);
  const setups = hookSetups(repo);
  const daemon = { warm: startDaemon(repo) };
  const commits = {};
  const loadAfter = {};
  for (const size of SIZES) {
    commits[size] = benchCommits(repo, setups, size);
    loadAfter[`${size} staged`] = loadavg();
  }
  daemon.idle = idleDaemon(repo);
  stopDaemon(repo);
  const hooks = benchHookInvocations(repo);
  loadAfter["hook invocations"] = loadavg();
  const results = report(repo, nodeModules, commits, hooks, daemon, loadAfter, (Date.now() - started) / 1000);
  mkdirSync(dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
  log(`results written to ${RESULTS_FILE} (${results.totalSeconds.toFixed(0)} s in all)`);
}

/** Builds the repo: generated files, the shared node_modules, one base commit, husky installed as its docs say. */
function createBenchRepo(nodeModules) {
  const { dir, env, git } = initRepo(join(WORK, "repo"));
  log(`generating ${FILE_COUNT} files in ${dir}...`);
  const modules = writeRepoFiles(dir, FILE_COUNT);
  symlinkSync(nodeModules, join(dir, "node_modules"));
  // `npm install` runs the `prepare: husky` script; this is that script: sets core.hooksPath to .husky/_.
  execFileSync(process.execPath, [join(nodeModules, "husky", "bin.js")], { cwd: dir, env, stdio: "ignore" });
  const huskyHooksPath = git("config", "core.hooksPath");
  const noHooks = join(dir, ".git", "bench-no-hooks");
  mkdirSync(noHooks);
  git("config", "core.hooksPath", noHooks);
  git("add", "-A");
  git("commit", "-q", "-m", "chore: initial commit");
  const staged = modules.slice(0, Math.max(...SIZES)).map((path, i) => ({ path, clean: readFileSync(join(dir, path), "utf8"), id: 900_000 + i }));
  log(`base commit with ${git("ls-files").split("\n").length} tracked files`);
  return { dir, env, git, base: git("rev-parse", "HEAD"), staged, huskyHooksPath, noHooks };
}

/** The hook configurations a commit is measured with; `fixes` says whether the commit must hold eslint+prettier's output. */
function hookSetups(repo) {
  const shipgateHooks = (name, extraArgs, env = "") => {
    const hooks = join(repo.dir, ".git", name);
    mkdirSync(hooks, { recursive: true });
    // What `installHooks` in test-utils does: one sh that execs the built CLI with the current node.
    const exec = (args) => `#!/bin/sh\n${env}exec "${process.execPath}" "${SHIPGATE_BIN}" run ${args}${extraArgs}\n`;
    writeFileSync(join(hooks, "pre-commit"), exec("pre-commit"), { mode: 0o755 });
    writeFileSync(join(hooks, "commit-msg"), exec('commit-msg "$1"'), { mode: 0o755 });
    return hooks;
  };
  writeFileSync(join(repo.dir, ".git", "shipgate-policy-only.yml"), POLICY_ONLY_CONFIG);
  return [
    { id: "none", label: "no hooks", hooksPath: repo.noHooks, fixes: false },
    { id: "husky", label: "husky + lint-staged + commitlint", hooksPath: repo.huskyHooksPath, fixes: true },
    // SHIPGATE_DAEMON=0: this one lints in the hook even while the daemon runs for the next.
    { id: "shipgate", label: "shipgate, linting in the hook", hooksPath: shipgateHooks("bench-shipgate-hooks", "", "SHIPGATE_DAEMON=0 "), fixes: true },
    { id: "shipgateWarm", label: "shipgate, warm lint daemon", hooksPath: shipgateHooks("bench-shipgate-warm-hooks", ""), fixes: true },
    {
      id: "shipgatePolicyOnly",
      label: "shipgate, no eslint/prettier",
      hooksPath: shipgateHooks("bench-shipgate-policy-hooks", ` --config "${join(repo.dir, ".git", "shipgate-policy-only.yml")}"`),
      fixes: false,
    },
  ];
}

/** Times `git commit` with `size` staged files for every setup, interleaved, and checks every commit's content. */
function benchCommits(repo, setups, size) {
  const samples = Object.fromEntries(setups.map((s) => [s.id, []]));
  const policyMs = Object.fromEntries(setups.map((s) => [s.id, {}]));
  const verify = commitVerifier(repo, size);
  const message = `feat(app): update ${size} module${size === 1 ? "" : "s"}`;
  for (let round = 0; round < WARMUP + RUNS; round++) {
    for (let k = 0; k < setups.length; k++) {
      const setup = setups[(round + k) % setups.length]; // rotate so no setup always runs first
      const messyTree = stage(repo, size);
      repo.git("config", "core.hooksPath", setup.hooksPath);
      const { ms, result } = timeCommand("git", ["commit", "-q", "-m", message], { cwd: repo.dir, env: repo.env });
      verify(setup, messyTree);
      if (round < WARMUP) continue;
      samples[setup.id].push(ms);
      for (const [policy, took] of shipgatePolicyTimings(result.stderr)) (policyMs[setup.id][policy] ??= []).push(took);
    }
    log(`${size} staged: round ${round + 1}/${WARMUP + RUNS}${round < WARMUP ? " (warm-up)" : ""}`);
  }
  repo.git("config", "core.hooksPath", repo.noHooks);
  return Object.fromEntries(
    setups.map((s) => {
      const policies = Object.fromEntries(Object.entries(policyMs[s.id]).map(([policy, ms]) => [policy, summarize(ms).median]));
      return [
        s.id,
        { label: s.label, ...summarize(samples[s.id]), samples: samples[s.id], ...(Object.keys(policies).length ? { policyMedians: policies } : {}) },
      ];
    }),
  );
}

/** The per-policy lines shipgate prints for each hook (`  ✔ eslint 1780ms`) as [policy, ms] pairs. */
function shipgatePolicyTimings(stderr) {
  return [...stderr.matchAll(/^\s+\S+ ([a-z][a-z-]*) (\d+)ms$/gm)].map((m) => [m[1], Number(m[2])]);
}

/**
 * Back to the base commit with exactly the first `size` messy edits staged and nothing unstaged (the other
 * candidate files get their clean content back); returns the staged tree.
 */
function stage(repo, size) {
  repo.git("reset", "-q", "--soft", repo.base);
  repo.staged.forEach((file, i) => writeFileSync(join(repo.dir, file.path), i < size ? messyEdit(file.path, file.clean, file.id) : file.clean));
  repo.git("add", "--", ...repo.staged.map((f) => f.path));
  const staged = repo.git("diff", "--cached", "--name-only", repo.base).split("\n").filter(Boolean);
  if (staged.length !== size) throw new Error(`expected ${size} staged files, found ${staged.length}`);
  return repo.git("write-tree");
}

/**
 * Checks a commit: on the base, nothing left uncommitted, and its tree is either the staged messy tree
 * (no fixers) or the one fixed tree every fixing setup must produce; fails loudly otherwise.
 */
function commitVerifier(repo, size) {
  let fixedTree = null;
  let fixedBy = null;
  return (setup, messyTree) => {
    const fail = (why) => {
      throw new Error(`${setup.label}, ${size} staged: ${why}`);
    };
    if (repo.git("rev-parse", "HEAD^") !== repo.base) fail("the commit is not on the base commit");
    const leftover = repo.git("status", "--porcelain", "--untracked-files=no");
    if (leftover) fail(`index or working tree differ from the commit:\n${leftover}`);
    const tree = repo.git("rev-parse", "HEAD^{tree}");
    if (!setup.fixes) {
      if (tree !== messyTree) fail("the commit changed the staged content although nothing should fix it");
      return;
    }
    if (tree === messyTree) fail("the staged files were committed unfixed");
    if (fixedTree === null) {
      const changed = repo.git("diff", "--name-only", messyTree, tree).split("\n").filter(Boolean);
      if (changed.length !== size) fail(`expected all ${size} staged files fixed, got ${changed.length}`);
      fixedTree = tree;
      fixedBy = setup.label;
    } else if (tree !== fixedTree) {
      fail(
        `committed content differs from what ${fixedBy} committed:\n${repo.git("diff", "--stat", fixedTree, tree)}\n${repo.git("diff", fixedTree, tree).slice(0, 4000)}`,
      );
    }
  };
}

/** `shipgate daemon start` in the repository (it lints for the shipgateWarm setup); its status once warm. */
function startDaemon(repo) {
  const started = spawnSync(process.execPath, [SHIPGATE_BIN, "daemon", "start", "--idle", "2h"], { cwd: repo.dir, env: repo.env, encoding: "utf8" });
  if (started.status !== 0) throw new Error(`shipgate daemon start failed:\n${started.stdout}${started.stderr}`);
  log(started.stdout.trim());
  return daemonStatus(repo);
}

function daemonStatus(repo) {
  const result = spawnSync(process.execPath, [SHIPGATE_BIN, "daemon", "status", "--format", "json"], { cwd: repo.dir, env: repo.env, encoding: "utf8" });
  const state = JSON.parse(result.stdout);
  if (!state.running) throw new Error(`the lint daemon stopped during the benchmark: ${state.why}`);
  return state.status;
}

/** The daemon's status once it has let go of the workers a spread started (it trims them after 60 s idle). */
function idleDaemon(repo) {
  const until = Date.now() + 120_000;
  let status = daemonStatus(repo);
  while (status.workers > 1 && Date.now() < until) {
    spawnSync("sleep", ["5"]);
    status = daemonStatus(repo);
  }
  return status;
}

function stopDaemon(repo) {
  spawnSync(process.execPath, [SHIPGATE_BIN, "daemon", "stop"], { cwd: repo.dir, env: repo.env, stdio: "ignore" });
}

/** Each shipgate hook with only commit-message, secrets and file-size on 1 staged file, against `node -e ''`. */
function benchHookInvocations(repo) {
  stage(repo, 1);
  const messageFile = join(repo.dir, ".git", "BENCH_COMMIT_MSG");
  writeFileSync(messageFile, "feat(app): update 1 module\n");
  const config = join(repo.dir, ".git", "shipgate-policy-only.yml");
  const commands = [
    { id: "node", label: "node -e ''", args: ["-e", ""] },
    { id: "preCommit", label: "shipgate run pre-commit", args: [SHIPGATE_BIN, "run", "pre-commit", "--config", config] },
    { id: "commitMsg", label: "shipgate run commit-msg", args: [SHIPGATE_BIN, "run", "commit-msg", messageFile, "--config", config] },
  ];
  const samples = Object.fromEntries(commands.map((c) => [c.id, []]));
  for (let round = 0; round < WARMUP + HOOK_RUNS; round++) {
    for (let k = 0; k < commands.length; k++) {
      const command = commands[(round + k) % commands.length];
      const { ms } = timeCommand(process.execPath, command.args, { cwd: repo.dir, env: repo.env });
      if (round >= WARMUP) samples[command.id].push(ms);
    }
  }
  log(`hook invocations: ${HOOK_RUNS} runs each`);
  repo.git("reset", "-q", "--soft", repo.base);
  return Object.fromEntries(commands.map((c) => [c.id, { label: c.label, ...summarize(samples[c.id]), samples: samples[c.id] }]));
}

/** Prints the tables and returns the JSON results. */
function report(repo, nodeModules, commits, hooks, daemon, loadAfter, totalSeconds) {
  const W = 34;
  const cell = (s) => `${formatMs(s.median)} / ${formatMs(s.p90)}`.padEnd(W);
  const verdict = (ratio, target, strict) => ((strict ? ratio < target : ratio <= target) ? "met" : `MISSED (+${(ratio - target).toFixed(2)})`);
  const out = [];
  out.push(`Client hooks: real \`git commit\` in a ${FILE_COUNT}-file repo, median / p90 of ${RUNS} runs after ${WARMUP} warm-ups`);
  out.push(`${"".padEnd(36)}${SIZES.map((n) => `${n} staged`.padEnd(W)).join("")}`);
  for (const id of Object.keys(commits[SIZES[0]])) out.push(`${commits[SIZES[0]][id].label.padEnd(36)}${SIZES.map((n) => cell(commits[n][id])).join("")}`);
  out.push("");
  const ratios = {};
  out.push(`${"ratio of medians (p90s)".padEnd(36)}${SIZES.map((n) => `${n} staged`.padEnd(W)).join("")}target`);
  const ratioRow = (key, label, num, den, targets) => {
    ratios[key] = {};
    const cells = SIZES.map((n) => {
      const target = targets?.[n];
      const r = { median: commits[n][num].median / commits[n][den].median, p90: commits[n][num].p90 / commits[n][den].p90 };
      ratios[key][n] = { ...r, ...(target ? { target: `<= ${target}`, met: r.median <= target } : {}) };
      return `${formatRatio(r.median)} (${formatRatio(r.p90)})${target ? ` <= ${target}x ${verdict(r.median, target)}` : ""}`.padEnd(W);
    });
    out.push(`${label.padEnd(36)}${cells.join("")}`);
  };
  ratioRow("shipgateVsHusky", "shipgate in the hook / husky stack", "shipgate", "husky", TARGETS.vsHusky.shipgate);
  ratioRow("shipgateWarmVsHusky", "shipgate warm daemon / husky stack", "shipgateWarm", "husky", TARGETS.vsHusky.shipgateWarm);
  ratioRow("shipgateVsNone", "shipgate in the hook / no hooks", "shipgate", "none");
  ratioRow("shipgateWarmVsNone", "shipgate warm daemon / no hooks", "shipgateWarm", "none");
  ratioRow("huskyVsNone", "husky stack / no hooks", "husky", "none");
  out.push("");
  out.push("shipgate's own per-policy timings inside those commits (median ms, from its report lines)");
  for (const id of ["shipgate", "shipgateWarm", "shipgatePolicyOnly"]) {
    for (const n of SIZES) {
      const parts = Object.entries(commits[n][id].policyMedians ?? {}).map(([p, ms]) => `${p} ${ms}`);
      out.push(`${`  ${commits[n][id].label}, ${n} staged`.padEnd(48)}${parts.join(", ")}`);
    }
  }
  out.push("");
  out.push(`Hook invocations, 1 staged file, commit-message + secrets + file-size only, median / p90 of ${HOOK_RUNS} runs`);
  const hookRatios = {};
  for (const [id, s] of Object.entries(hooks)) {
    let tail = "";
    if (id !== "node") {
      const ratio = s.median / hooks.node.median;
      hookRatios[id] = { median: ratio, p90: s.p90 / hooks.node.p90, target: `<= ${TARGETS.vsNode}`, met: ratio <= TARGETS.vsNode };
      tail = `${formatRatio(ratio)} of node -e '' (p90 ${formatRatio(hookRatios[id].p90)}), target <= ${TARGETS.vsNode}x: ${verdict(ratio, TARGETS.vsNode)}`;
    }
    out.push(`${s.label.padEnd(36)}${cell(s)}${tail}`);
  }
  out.push("");
  const mib = (status) => `${(status.rssBytes / (1024 * 1024)).toFixed(0)} MiB RSS, ${status.workers} worker thread(s)`;
  out.push(
    `lint daemon memory: warm and idle after start ${mib(daemon.warm)}; after ${daemon.idle.requests} requests, idle ${Math.round(daemon.idle.idleMs / 1000)} s: ${mib(daemon.idle)}`,
  );
  out.push("");
  out.push(`load average (1, 5, 15 min) at start ${fmtLoad(LOAD_AT_START)}, at end ${fmtLoad(loadavg())} on ${cpus().length} cpus`);
  for (const [section, load] of Object.entries(loadAfter)) out.push(`  after ${section}: ${fmtLoad(load)}`);
  console.log(out.join("\n"));
  return {
    date: new Date().toISOString(),
    loadAverage: { start: LOAD_AT_START, end: loadavg(), after: loadAfter },
    totalSeconds,
    environment: {
      node: process.version,
      git: execFileSync("git", ["--version"], { encoding: "utf8" }).trim(),
      os: `${osType()} ${release()}`,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
    },
    shipgate: { commit: execFileSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim() },
    tools: Object.fromEntries(Object.keys(TOOL_VERSIONS).map((name) => [name, installedVersion(nodeModules, name)])),
    repo: { files: FILE_COUNT, dir: repo.dir, stagedFiles: repo.staged.map((f) => f.path) },
    runs: RUNS,
    warmup: WARMUP,
    commits,
    ratios,
    hookInvocations: { runs: HOOK_RUNS, results: hooks, ratios: hookRatios },
    daemon: { warm: daemon.warm, idle: daemon.idle },
    table: out.join("\n"),
  };
}

function fmtLoad(load) {
  return load.map((x) => x.toFixed(2)).join(" ");
}
