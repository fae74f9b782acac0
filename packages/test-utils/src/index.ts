/** Real temporary git repositories for tests: built from an object of files, cleaned up after each test. */
import { execFileSync, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync, symlinkSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { onTestFinished } from "vitest";

/** A file tree: path -> content (string or bytes); `{ symlink: target }` makes a link. */
export type FileTree = Record<string, string | Buffer | { symlink: string }>;

/** An environment with no user or system git config, fixed identities and dates, no signing, no gc. */
export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("GIT_") && key !== "SHIPGATE" && key !== "SHIPGATE_SKIP") env[key] = value;
  return {
    ...env,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_AUTHOR_NAME: "Test Author",
    GIT_AUTHOR_EMAIL: "author@example.com",
    GIT_COMMITTER_NAME: "Test Committer",
    GIT_COMMITTER_EMAIL: "committer@example.com",
    GIT_AUTHOR_DATE: "2026-01-01T00:00:00Z",
    GIT_COMMITTER_DATE: "2026-01-01T00:00:00Z",
    NO_COLOR: "1",
    ...extra,
  };
}

/**
 * A fresh temporary directory on another filesystem than the system temp dir (/dev/shm), removed when the test
 * finishes; null where the machine has none (then a test of cross-device behaviour has nothing to run on).
 */
export function otherDeviceDir(): string | null {
  try {
    if (statSync("/dev/shm").dev === statSync(tmpdir()).dev) return null;
    const dir = mkdtempSync("/dev/shm/shipgate-test-");
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  } catch {
    return null;
  }
}

/** Why a cross-device test is skipped: said in the report, so a skip is never silent. */
export const NO_OTHER_DEVICE = "no second filesystem here: /dev/shm is missing or on the same device as the temp dir";

/** A fresh temporary directory removed when the test finishes. */
export function tempDir(prefix = "shipgate-test-"): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  try {
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  } catch {
    // outside a test (benchmarks): the caller cleans up
  }
  return dir;
}

export function writeTree(dir: string, files: FileTree): void {
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    rmSync(full, { force: true });
    if (typeof content === "object" && !Buffer.isBuffer(content)) symlinkSync(content.symlink, full);
    else writeFileSync(full, content);
  }
}

export interface TestRepo {
  dir: string;
  env: NodeJS.ProcessEnv;
  /** Runs git and returns trimmed stdout; throws with stderr on failure. */
  git(...args: string[]): string;
  /** Runs git and returns the whole result without throwing. */
  gitRaw(args: string[], options?: { input?: string | Buffer; env?: Record<string, string> }): SpawnSyncReturns<string>;
  write(files: FileTree): void;
  /** Writes files, stages them and commits; returns the new commit id. */
  commit(message: string, files?: FileTree): string;
}

export interface RepoOptions {
  files?: FileTree;
  /** Commit the initial files with this message (default: commit when files are given). */
  message?: string | false;
  bare?: boolean;
  objectFormat?: "sha1" | "sha256";
  branch?: string;
}

export function createRepo(options: RepoOptions = {}): TestRepo {
  const dir = tempDir();
  const env = gitEnv();
  const run = (args: string[], extra?: { input?: string | Buffer; env?: Record<string, string> }) =>
    spawnSync("git", args, { cwd: dir, env: { ...env, ...extra?.env }, input: extra?.input, encoding: "utf8", maxBuffer: 1 << 28 });
  const git = (...args: string[]) => {
    const result = run(args);
    if (result.status !== 0) throw new Error(`git ${args.join(" ")} failed (${result.status}): ${result.stderr}`);
    return result.stdout.replace(/\n$/, "");
  };
  const init = ["init", "-q", `--initial-branch=${options.branch ?? "main"}`];
  if (options.bare) init.push("--bare");
  if (options.objectFormat) init.push(`--object-format=${options.objectFormat}`);
  git(...init);
  for (const [key, value] of [
    ["gc.auto", "0"],
    ["maintenance.auto", "false"],
    ["commit.gpgSign", "false"],
    ["tag.gpgSign", "false"],
    ["core.autocrlf", "false"],
  ])
    git("config", key as string, value as string);
  const repo: TestRepo = {
    dir,
    env,
    git,
    gitRaw: run,
    write: (files) => writeTree(dir, files),
    commit: (message, files) => {
      if (files) {
        writeTree(dir, files);
        git("add", "-A", "--", ...Object.keys(files));
      }
      git("commit", "-q", "--no-verify", "--allow-empty", "-m", message);
      return git("rev-parse", "HEAD");
    },
  };
  if (options.files && !options.bare) {
    repo.write(options.files);
    if (options.message !== false) {
      git("add", "-A");
      git("commit", "-q", "--no-verify", "-m", options.message ?? "chore: initial commit");
    }
  }
  return repo;
}

/** A bare repository plus a clone of it with `origin` set. */
export function createRemotePair(files?: FileTree): { remote: TestRepo; local: TestRepo } {
  const remote = createRepo({ bare: true });
  const local = createRepo(files ? { files } : {});
  local.git("remote", "add", "origin", remote.dir);
  return { remote, local };
}

export function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string },
): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { cwd: options.cwd, env: options.env ?? process.env, input: options.input, encoding: "utf8", maxBuffer: 1 << 28 });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export function gitVersion(): string {
  return execFileSync("git", ["--version"], { encoding: "utf8" }).trim();
}

/** The monorepo root (for the built CLI and its node_modules). */
export const ROOT = new URL("../../../", import.meta.url).pathname.replace(/\/$/, "");
/** The built `shipgate` executable, as the package's bin names it (tests run after `pnpm build`). */
export const SHIPGATE_BIN = `${ROOT}/packages/cli/bin.cjs`;

/**
 * Makes tools installed in the monorepo (prettier, eslint, ...) resolvable from a test repo, as if installed there.
 * With prettier comes a `.prettierrc` (prettier's defaults), as a project that uses prettier has: without a config,
 * the prettier policy formats nothing unless told to.
 */
export function linkTools(dir: string, names: readonly string[]): void {
  mkdirSync(join(dir, "node_modules", "@eslint"), { recursive: true });
  for (const name of names) symlinkSync(`${ROOT}/node_modules/${name}`, join(dir, "node_modules", name));
  writeFileSync(join(dir, ".gitignore"), "node_modules/\n");
  if (names.includes("prettier") && !existsSync(join(dir, ".prettierrc"))) writeFileSync(join(dir, ".prettierrc"), "{}\n");
}

/** Points the repo's hooks at scripts that run the built shipgate CLI, the way husky's hooks do. */
export function installHooks(repo: TestRepo): string {
  const hooks = join(repo.dir, ".git", "test-hooks");
  mkdirSync(hooks, { recursive: true });
  const calls: Record<string, string> = { "pre-commit": 'run pre-commit "$@"', "commit-msg": 'run commit-msg "$1"', "pre-push": 'run pre-push "$@"' };
  for (const [hook, args] of Object.entries(calls)) {
    writeFileSync(join(hooks, hook), `#!/bin/sh\nexec "${process.execPath}" "${SHIPGATE_BIN}" ${args}\n`, { mode: 0o755 });
  }
  repo.git("config", "core.hooksPath", hooks);
  return hooks;
}

/** Runs the built CLI in a directory. */
export function shipgate(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string }): { code: number; stdout: string; stderr: string } {
  return run(process.execPath, [SHIPGATE_BIN, ...args], {
    cwd: options.cwd,
    env: options.env ?? gitEnv(),
    ...(options.input !== undefined ? { input: options.input } : {}),
  });
}

/** Puts a `shipgate` executable into `<dir>/node_modules/.bin`, as installing the package would. */
export function linkShipgateBin(dir: string): void {
  mkdirSync(join(dir, "node_modules", ".bin"), { recursive: true });
  writeFileSync(join(dir, "node_modules", ".bin", "shipgate"), `#!/bin/sh\nexec "${process.execPath}" "${SHIPGATE_BIN}" "$@"\n`, { mode: 0o755 });
}

/** A seeded pseudo-random generator (mulberry32): the same numbers in [0, 1) for the same seed, on every platform. */
export { seededRandom } from "./concurrent-editor.mjs";
