#!/usr/bin/env node
/**
 * Client hooks benchmark: wall time of a real `git commit` on one generated 10,000-file repo with 1 and 50
 * staged files, for no hooks, husky + lint-staged + commitlint, and shipgate doing the same work; plus each
 * shipgate hook with no eslint/prettier work against a bare `node -e ''`. Writes .bench-work/client-results.json.
 *
 * Knobs: BENCH_RUNS (10), BENCH_WARMUP (2), BENCH_FILES (10000).
 */
import { execFileSync } from "node:child_process";
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
const SHIPGATE_BIN = join(WORK, "shipgate-cli", "bin.js");
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const FILE_COUNT = Number(process.env.BENCH_FILES ?? 10_000);
const HOOK_RUNS = Math.max(20, RUNS * 2);
const SIZES = [1, 50];
const TARGETS = { vsHusky: 0.6, vsNode: 2 };
const LOAD_AT_START = loadavg();
const log = (line) => process.stderr.write(`[client] ${line}\n`);

await main();

async function main() {
  const started = Date.now();
  snapshotShipgate(BUILT_CLI, SHIPGATE_BIN);
  const nodeModules = ensureTools(join(WORK, "tools"), log);
  const repo = createBenchRepo(nodeModules);
  const setups = hookSetups(repo);
  const commits = {};
  for (const size of SIZES) commits[size] = benchCommits(repo, setups, size);
  const hooks = benchHookInvocations(repo);
  const results = report(repo, nodeModules, commits, hooks, (Date.now() - started) / 1000);
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
  const shipgateHooks = (name, extraArgs) => {
    const hooks = join(repo.dir, ".git", name);
    mkdirSync(hooks, { recursive: true });
    // What `installHooks` in test-utils does: one sh that execs the built CLI with the current node.
    const exec = (args) => `#!/bin/sh\nexec "${process.execPath}" "${SHIPGATE_BIN}" run ${args}${extraArgs}\n`;
    writeFileSync(join(hooks, "pre-commit"), exec("pre-commit"), { mode: 0o755 });
    writeFileSync(join(hooks, "commit-msg"), exec('commit-msg "$1"'), { mode: 0o755 });
    return hooks;
  };
  writeFileSync(join(repo.dir, ".git", "shipgate-policy-only.yml"), POLICY_ONLY_CONFIG);
  return [
    { id: "none", label: "no hooks", hooksPath: repo.noHooks, fixes: false },
    { id: "husky", label: "husky + lint-staged + commitlint", hooksPath: repo.huskyHooksPath, fixes: true },
    { id: "shipgate", label: "shipgate (eslint + prettier fix)", hooksPath: shipgateHooks("bench-shipgate-hooks", ""), fixes: true },
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
function report(repo, nodeModules, commits, hooks, totalSeconds) {
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
  const ratioRow = (key, label, num, den, target) => {
    ratios[key] = {};
    const cells = SIZES.map((n) => {
      const r = { median: commits[n][num].median / commits[n][den].median, p90: commits[n][num].p90 / commits[n][den].p90 };
      ratios[key][n] = { ...r, ...(target ? { target: `<= ${target}`, met: r.median <= target } : {}) };
      return `${formatRatio(r.median)} (${formatRatio(r.p90)})${target ? ` ${verdict(r.median, target)}` : ""}`.padEnd(W);
    });
    out.push(`${label.padEnd(36)}${cells.join("")}${target ? `<= ${target}x` : ""}`);
  };
  ratioRow("shipgateVsHusky", "shipgate / husky stack", "shipgate", "husky", TARGETS.vsHusky);
  ratioRow("shipgateVsNone", "shipgate / no hooks", "shipgate", "none");
  ratioRow("huskyVsNone", "husky stack / no hooks", "husky", "none");
  out.push("");
  out.push("shipgate's own per-policy timings inside those commits (median ms, from its report lines)");
  for (const id of ["shipgate", "shipgatePolicyOnly"]) {
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
      hookRatios[id] = { median: ratio, p90: s.p90 / hooks.node.p90, target: `< ${TARGETS.vsNode}`, met: ratio < TARGETS.vsNode };
      tail = `${formatRatio(ratio)} of node -e '' (p90 ${formatRatio(hookRatios[id].p90)}), target < ${TARGETS.vsNode}x: ${verdict(ratio, TARGETS.vsNode, true)}`;
    }
    out.push(`${s.label.padEnd(36)}${cell(s)}${tail}`);
  }
  out.push("");
  out.push(`load average (1, 5, 15 min) at start ${fmtLoad(LOAD_AT_START)}, at end ${fmtLoad(loadavg())} on ${cpus().length} cpus`);
  console.log(out.join("\n"));
  return {
    date: new Date().toISOString(),
    loadAverage: { start: LOAD_AT_START, end: loadavg() },
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
    table: out.join("\n"),
  };
}

function fmtLoad(load) {
  return load.map((x) => x.toFixed(2)).join(" ");
}
