/** What the benchmarks share about git and the CLI: a pinned environment, a fresh repository, a snapshot of the build. */
import { cpSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { execFileSync, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";

/** An environment with no user or system git config, fixed identities and dates, no inherited hook switches. */
export function gitEnv() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("GIT_") && !key.startsWith("SHIPGATE") && key !== "HUSKY" && key !== "DEBUG") env[key] = value;
  }
  return {
    ...env,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_AUTHOR_NAME: "Bench Author",
    GIT_AUTHOR_EMAIL: "author@example.com",
    GIT_COMMITTER_NAME: "Bench Committer",
    GIT_COMMITTER_EMAIL: "committer@example.com",
    GIT_AUTHOR_DATE: "2026-01-01T00:00:00Z",
    GIT_COMMITTER_DATE: "2026-01-01T00:00:00Z",
    NO_COLOR: "1",
  };
}

/** A new, empty repository in `dir` (removed first) with gc, signing and line-ending conversion off. */
export function initRepo(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const env = gitEnv();
  const git = (...args) => execFileSync("git", args, { cwd: dir, env, encoding: "utf8", maxBuffer: 1 << 28 }).replace(/\n$/, "");
  git("init", "-q", "--initial-branch=main");
  for (const [key, value] of [
    ["gc.auto", "0"],
    ["maintenance.auto", "false"],
    ["commit.gpgSign", "false"],
    ["core.autocrlf", "false"],
  ])
    git("config", key, value);
  return { dir, env, git };
}

/**
 * Copies a built CLI's hook path (`builtCli`/bin.cjs, bin.js and the self-contained dist/bundle) beside `bin`, and
 * checks it starts, so a rebuild in the working tree cannot break a run. Benchmarks measure the CLI as built; they do
 * not build it (the build is `pnpm build`). `bin` must lie inside the monorepo so the bundle still finds node_modules.
 */
export function snapshotShipgate(builtCli, bin) {
  const dir = dirname(bin);
  for (let attempt = 1; ; attempt++) {
    rmSync(dir, { recursive: true, force: true });
    try {
      // bin.cjs is the executable; bin.js, kept for callers that name it, loads bin.cjs.
      for (const entry of ["bin.cjs", "bin.js"]) if (existsSync(join(builtCli, entry))) cpSync(join(builtCli, entry), join(dir, entry));
      cpSync(join(builtCli, "dist", "bundle"), join(dir, "dist", "bundle"), { recursive: true });
    } catch (error) {
      if (attempt >= 5) throw new Error(`shipgate is not built: run \`pnpm build\` first (${error.message})`);
    }
    const probe = spawnSync(process.execPath, [bin, "--help"], { encoding: "utf8" });
    if (probe.status === 0) return;
    if (attempt >= 5) throw new Error(`shipgate is not built or does not start: run \`pnpm build\` first.\n${probe.stderr}`);
    spawnSync("sleep", ["2"]); // a rebuild may be in progress
  }
}
