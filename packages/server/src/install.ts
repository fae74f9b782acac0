/** Installs and removes shipgate's server hooks, keeping any hook that was there before (chained, then restored). */
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { ConfigError, InternalError, UsageError, openRepo, type Repo } from "@shipgate/core";
import { loadServerConfig } from "./config.js";
import { CHAINED_SUFFIX } from "./chain.js";
import type { Flavor } from "./input.js";
import { messages } from "./messages.js";
import { MARKER, postReceiveScript, preReceiveScript, type HookPaths } from "./templates.js";

export interface InstallOptions {
  flavor: Flavor;
  /** The server config; absolute, or relative to `cwd`. */
  config: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** node to exec (default: the one running the installer); ignored for GitHub, whose environment has its own. */
  node?: string;
  /** The hook entry (default: this package's bin.js; for GitHub, inside the hook environment). */
  entry?: string;
}

export interface InstallResult {
  target: string;
  /** What was done, one sentence each, for the admin. */
  actions: string[];
}

/** Where the hook environment of GitHub Enterprise has shipgate installed, unless --entry says otherwise. */
export const GITHUB_DEFAULT_ENTRY = "/shipgate/node_modules/@shipgate/server/bin.js";
export const GITHUB_SCRIPT = "shipgate-pre-receive.sh";
export const GITLAB_HOOK = "shipgate";

/** This package's bin.js, which the hooks exec. */
export function defaultEntry(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), "..", "bin.js");
}

export async function installHooks(target: string, options: InstallOptions): Promise<InstallResult> {
  const actions: string[] = [];
  if (options.flavor === "github") {
    if (!isAbsolute(options.config)) throw new UsageError(messages.githubConfigAbsolute, { hint: messages.guide });
    if (existsSync(options.config)) await loadServerConfig(options.config);
    const dir = resolve(options.cwd, target);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, GITHUB_SCRIPT);
    actions.push(writeHook(file, preReceiveScript("github", { node: null, entry: options.entry ?? GITHUB_DEFAULT_ENTRY, config: options.config })));
    return { target: file, actions };
  }
  const repo = await openTarget(target, options);
  const paths = await hookPaths(options);
  if (options.flavor === "gitlab") {
    const file = join(repo.commonDir, "custom_hooks", "pre-receive.d", GITLAB_HOOK);
    mkdirSync(dirname(file), { recursive: true });
    actions.push(writeHook(file, preReceiveScript("gitlab", paths)));
    return { target: repo.commonDir, actions };
  }
  const hooks = await hooksDir(repo);
  mkdirSync(hooks, { recursive: true });
  // Check both hooks before touching either, so a conflict leaves the repository as it was.
  for (const name of ["pre-receive", "post-receive"]) assertChainable(join(hooks, name));
  const deploy = deployBin();
  for (const [name, script] of [
    ["pre-receive", preReceiveScript(options.flavor, paths)],
    ["post-receive", postReceiveScript(deploy === null ? null : { node: paths.node ?? process.execPath, bin: deploy, config: paths.config })],
  ] as const) {
    const file = join(hooks, name);
    if (present(file) && !isOurs(file)) {
      renameSync(file, file + CHAINED_SUFFIX);
      actions.push(messages.chainedKept(name, name + CHAINED_SUFFIX));
    }
    actions.push(writeHook(file, script));
  }
  if (deploy !== null && (await repo.git.probe(["config", "--get", "shipgate.config"])) !== paths.config) {
    // `shipgate status`, `deploy` and `worker` run in this repository read the same trusted config as the hooks.
    await repo.git.run(["config", "shipgate.config", paths.config]);
    actions.push(messages.configRecorded(paths.config));
  }
  if ((await repo.git.probe(["config", "--bool", "receive.advertisePushOptions"])) !== "true") {
    await repo.git.run(["config", "receive.advertisePushOptions", "true"]);
    actions.push(messages.pushOptionsOn);
  }
  return { target: repo.commonDir, actions };
}

export async function uninstallHooks(target: string, options: Pick<InstallOptions, "flavor" | "cwd" | "env">): Promise<InstallResult> {
  const actions: string[] = [];
  if (options.flavor === "github") {
    const file = join(resolve(options.cwd, target), GITHUB_SCRIPT);
    actions.push(removeHook(file));
    return { target: file, actions };
  }
  const repo = await openTarget(target, options);
  if (options.flavor === "gitlab") {
    actions.push(removeHook(join(repo.commonDir, "custom_hooks", "pre-receive.d", GITLAB_HOOK)));
    return { target: repo.commonDir, actions };
  }
  const hooks = await hooksDir(repo);
  for (const name of ["pre-receive", "post-receive"]) {
    const file = join(hooks, name);
    const removed = removeHook(file);
    actions.push(removed);
    if (!present(file) && present(file + CHAINED_SUFFIX)) {
      renameSync(file + CHAINED_SUFFIX, file);
      actions.push(messages.restored(name + CHAINED_SUFFIX, name));
    }
  }
  return { target: repo.commonDir, actions };
}

/** The @shipgate/deploy bin the post-receive hook execs, when that package is installed beside this one. */
function deployBin(): string | null {
  try {
    return join(dirname(createRequire(import.meta.url).resolve("@shipgate/deploy/package.json")), "bin.js");
  } catch {
    return null;
  }
}

async function openTarget(target: string, options: Pick<InstallOptions, "cwd" | "env">): Promise<Repo> {
  const path = resolve(options.cwd, target);
  if (!existsSync(path)) throw new UsageError(messages.notARepo(path), { hint: messages.notARepoHint });
  const repo = await openRepo(path, scrubbed(options.env));
  // openRepo walks up; a directory inside some other repository is not the repository the admin named.
  const real = realpathSync(path);
  if (realpathSync(repo.commonDir) !== real && (repo.topLevel === null || realpathSync(repo.topLevel) !== real))
    throw new UsageError(messages.notARepo(path), { hint: messages.notARepoHint });
  return repo;
}

/** The installer names the repository explicitly; inherited GIT_DIR and friends must not redirect it. */
function scrubbed(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith("GIT_") || key.startsWith("GIT_CONFIG")));
}

async function hookPaths(options: InstallOptions): Promise<HookPaths> {
  if (options.config === "") throw new UsageError(messages.configRequired, { hint: messages.configRequiredHint });
  const config = resolve(options.cwd, options.config);
  try {
    await loadServerConfig(config);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`cannot load ${config}: ${(error as Error).message}`, { hint: messages.configRequiredHint });
  }
  const entry = options.entry ?? defaultEntry();
  if (!existsSync(entry) || !existsSync(join(dirname(entry), "dist", "bundle", "hook.cjs")))
    throw new InternalError(messages.notBuilt(entry), { hint: messages.notBuiltHint });
  return { node: options.node ?? process.execPath, entry, config };
}

async function hooksDir(repo: Repo): Promise<string> {
  const path = await repo.git.text(["rev-parse", "--path-format=absolute", "--git-path", "hooks"]);
  return path;
}

function present(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

function isOurs(file: string): boolean {
  try {
    return readFileSync(file, "utf8").split("\n").slice(0, 8).includes(MARKER);
  } catch {
    return false; // a dangling symlink or unreadable file is somebody else's
  }
}

function assertChainable(file: string): void {
  if (present(file) && !isOurs(file) && present(file + CHAINED_SUFFIX))
    throw new UsageError(messages.chainConflict(file, file + CHAINED_SUFFIX), { hint: messages.chainConflictHint });
}

/** Writes next to the target and renames, so git never runs a half-written hook. */
function writeHook(file: string, script: string): string {
  const existed = present(file);
  if (existed && !isOurs(file)) throw new UsageError(messages.chainConflict(file, file + CHAINED_SUFFIX), { hint: messages.chainConflictHint });
  const temp = `${file}.shipgate-tmp-${process.pid}`;
  writeFileSync(temp, script, { mode: 0o755 });
  chmodSync(temp, 0o755);
  renameSync(temp, file);
  return existed ? messages.updated(file) : messages.installed(file);
}

function removeHook(file: string): string {
  if (!present(file)) return messages.notInstalled(file).replace("is not shipgate's", "does not exist");
  if (!isOurs(file)) return messages.notInstalled(file);
  rmSync(file);
  return messages.uninstalled(file);
}
