#!/usr/bin/env node
/**
 * Soak: edits saved while pre-commit fixes the work tree. Each run stages the same kind of messy edit in 2,000 files
 * of the generated bench repository, runs a real `git commit` whose shipgate hook formats them with prettier, and
 * meanwhile an editor (this process, beside git and the hook) keeps appending to, rewriting, truncating and
 * atomically replacing random ones of those files from the moment the hook starts writing until it exits. After
 * each commit it checks that every fix is in the commit and that every byte the editor saved is in the work tree.
 *
 * Usage: pnpm build && node bench/fixer-soak.mjs [--runs N] [--files N] [--seed S] [--shipgate path/to/bin.js]
 * (defaults: 10 runs, 2000 files, this checkout's built CLI).
 * Prints per run and in total: runs, saves, bytes saved, bytes lost; exits 1 if any byte was lost or any fix missing.
 * Results also go to .bench-work/fixer-soak-results.json.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { CONFIG_FILES, messyEdit, writeRepoFiles } from "./lib/client-repo.mjs";
import { checkEdits, fixerStarted, readBlobs, startEditing } from "../packages/test-utils/src/concurrent-editor.mjs";
import { initRepo, snapshotShipgate } from "./lib/bench-git.mjs";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const WORK = join(ROOT, ".bench-work", "fixer-soak");
const RESULTS_FILE = join(ROOT, ".bench-work", "fixer-soak-results.json");
const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "10" },
    files: { type: "string", default: "2000" },
    seed: { type: "string", default: "7" },
    // Another build to compare with, e.g. the main branch's packages/cli/bin.js.
    shipgate: { type: "string", default: join(ROOT, "packages", "cli", "bin.js") },
  },
});
const BUILT_BIN = values.shipgate;
// The hook runs a copy of the build taken at start, so a rebuild in the working tree cannot break a run.
const SHIPGATE_BIN = join(WORK, "shipgate-cli", "bin.js");
const RUNS = Number(values.runs);
const FILES = Number(values.files);
const SEED = Number(values.seed);
const log = (line) => process.stderr.write(`[fixer-soak] ${line}\n`);

await main();

async function main() {
  const prettier = await import(join(ROOT, "node_modules", "prettier", "index.mjs"));
  const repo = createRepo();
  const totals = { runs: 0, saves: 0, filesEdited: 0, bytesSaved: 0, bytesLost: 0, keptAsSaved: 0, savedAfterFix: 0, wrongFiles: 0, missingFixes: 0 };
  const runs = [];
  for (let run = 0; run < RUNS; run++) {
    const result = await soakRun(repo, run, prettier);
    runs.push(result);
    totals.runs++;
    for (const key of ["saves", "filesEdited", "bytesSaved", "bytesLost", "keptAsSaved", "savedAfterFix", "wrongFiles", "missingFixes"])
      totals[key] += result[key];
    log(
      `run ${run + 1}/${RUNS} (seed ${result.seed}, ${(result.ms / 1000).toFixed(1)} s): ${result.saves} saves into ${result.filesEdited} files ` +
        `(${result.bytesSaved} bytes), ${result.keptAsSaved} kept by the hook as saved during the fix, ${result.savedAfterFix} saved on top of the fix; ` +
        `bytes lost: ${result.bytesLost}, files not as saved: ${result.wrongFiles}, fixes missing from the commit: ${result.missingFixes}`,
    );
    for (const wrong of result.wrong.slice(0, 3)) log(`  ${wrong.path}: lost ${wrong.lost} bytes; ends with ${JSON.stringify(wrong.final.slice(-160))}`);
  }
  console.log(
    `fixer soak: ${totals.runs} runs x ${FILES} staged files, ${totals.saves} saves into ${totals.filesEdited} files (${totals.bytesSaved} bytes) ` +
      `while the hook wrote; bytes lost: ${totals.bytesLost}; files not as saved: ${totals.wrongFiles}; fixes missing: ${totals.missingFixes} ` +
      `(load average ${loadavg()
        .map((n) => n.toFixed(2))
        .join(" ")})`,
  );
  mkdirSync(dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(
    RESULTS_FILE,
    `${JSON.stringify({ files: FILES, seed: SEED, totals, runs: runs.map(({ wrong, ...rest }) => ({ ...rest, wrong: wrong.slice(0, 10) })) }, null, 2)}\n`,
  );
  process.exitCode = totals.bytesLost > 0 || totals.wrongFiles > 0 || totals.missingFixes > 0 ? 1 : 0;
}

/** The bench repository (client-repo's generated files), prettier as its only policy, shipgate's hook installed. */
function createRepo() {
  rmSync(WORK, { recursive: true, force: true });
  const { dir, env, git } = initRepo(join(WORK, "repo"));
  const modules = writeRepoFiles(dir, Math.ceil(FILES * 1.5) + Object.keys(CONFIG_FILES).length);
  if (modules.length < FILES) throw new Error(`the generated repository has ${modules.length} modules, fewer than ${FILES}`);
  writeFileSync(join(dir, ".shipgate.yml"), "policies:\n  prettier: error\n");
  snapshotShipgate(dirname(BUILT_BIN), SHIPGATE_BIN);
  const tools = join(WORK, "node_modules");
  mkdirSync(tools);
  symlinkSync(join(ROOT, "node_modules", "prettier"), join(tools, "prettier"));
  symlinkSync(tools, join(dir, "node_modules"));
  const hooks = join(dir, ".git", "soak-hooks");
  mkdirSync(hooks);
  writeFileSync(join(hooks, "pre-commit"), `#!/bin/sh\nexec "${process.execPath}" "${SHIPGATE_BIN}" run pre-commit\n`, { mode: 0o755 });
  git("add", "-A");
  git("commit", "-q", "--no-verify", "-m", "chore: initial commit");
  git("config", "core.hooksPath", hooks);
  const staged = modules.slice(0, FILES).map((path) => ({ path, clean: readFileSync(join(dir, path), "utf8") }));
  log(`repository with ${git("ls-files").split("\n").length} files in ${dir}; ${FILES} of them staged each run`);
  return { dir, env, git, base: git("rev-parse", "HEAD"), staged };
}

async function soakRun(repo, run, prettier) {
  const seed = SEED * 1000 + run;
  repo.git("reset", "-q", "--hard", repo.base);
  repo.git("clean", "-q", "-f", "-d");
  const messy = new Map(repo.staged.map((file, i) => [file.path, messyEdit(file.path, file.clean, run * 100_000 + i)]));
  for (const [path, content] of messy) writeFileSync(join(repo.dir, path), content);
  repo.git("add", "-A");
  const started = performance.now();
  const paths = [...messy.keys()];
  const editor = startEditing({ dir: repo.dir, paths, seed, startWhen: () => fixerStarted(join(repo.dir, ".git")) });
  const commit = await commitAsync(repo, `feat(app): soak run ${run}`);
  const journal = await editor.stop();
  const ms = performance.now() - started;
  if (commit.code !== 0) throw new Error(`run ${run}: git commit failed (exit ${commit.code}):\n${commit.stderr}`);

  const committed = readBlobs(
    repo.dir,
    repo.env,
    paths.map((p) => `HEAD:${p}`),
  );
  let missingFixes = 0;
  // Every staged file must be committed as prettier formats it (checked on a sample: prettier is the slow part).
  for (const path of paths.filter((_, i) => i % 20 === 0)) {
    const expected = await prettier.format(messy.get(path), { filepath: join(repo.dir, path), printWidth: 100, trailingComma: "all" });
    if (committed.get(`HEAD:${path}`)?.toString() !== expected) missingFixes++;
  }
  for (const path of paths) if (committed.get(`HEAD:${path}`)?.toString() === messy.get(path)) missingFixes++;
  const check = checkEdits(journal, {
    read: (p) => readFileSync(join(repo.dir, p)),
    staged: (p) => Buffer.from(messy.get(p)),
    fixed: (p) => committed.get(`HEAD:${p}`),
  });
  const untouchedWrong = paths.filter((p) => !journal.has(p) && !readFileSync(join(repo.dir, p)).equals(committed.get(`HEAD:${p}`)));
  const savedAfterFix = [...journal].filter(
    ([p, e]) =>
      e.reset === null &&
      e.appended.length > 0 &&
      readFileSync(join(repo.dir, p))
        .subarray(0, committed.get(`HEAD:${p}`).length)
        .equals(committed.get(`HEAD:${p}`)),
  ).length;
  const keptAsSaved = /saved while shipgate was fixing/.test(commit.stderr)
    ? (commit.stderr.match(/saved while shipgate was fixing[^:]*: (.*)/)?.[1]?.split(", ").length ?? 0)
    : 0;
  return {
    seed,
    ms,
    saves: check.saves,
    filesEdited: check.files,
    bytesSaved: check.bytesSaved,
    bytesLost: check.bytesLost,
    keptAsSaved,
    savedAfterFix,
    wrongFiles: check.wrong.length + untouchedWrong.length,
    missingFixes,
    wrong: [...check.wrong, ...untouchedWrong.map((path) => ({ path, lost: 0, final: "untouched by the editor, but not the committed fix" }))],
  };
}

function commitAsync(repo, message) {
  return new Promise((resolve) => {
    const child = spawn("git", ["commit", "-q", "-m", message], { cwd: repo.dir, env: repo.env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk.toString()));
    child.on("close", (code) => resolve({ code, stderr }));
  });
}
