/**
 * The embedded default deployer, Capistrano-style: `git archive` into `<root>/releases/<tag>`, link shared paths, build,
 * swap the `current` symlink atomically, restart, keep N releases. Restoring a kept release only swaps and restarts.
 */
import { existsSync, lstatSync, mkdirSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { dirname, isAbsolute, join, normalize, sep } from "node:path";
import { ConfigError } from "@shipgate/core";
import { describeCommand, joinOutputs, releaseEnv, runCommand, type CommandResult } from "../process.js";
import type { ReleaseDirSettings } from "../settings.js";
import type { DeployRequest, Deployer, StepOutcome } from "../types.js";
import { extractRelease } from "./archive.js";
import { ReleaseLayout } from "./layout.js";
import { deployerMessages as say } from "./messages.js";

export function createReleaseDirDeployer(settings: ReleaseDirSettings): Deployer {
  checkSettings(settings);
  const layout = new ReleaseLayout(settings.root);
  return {
    deploy: (request) => guarded(request, (run) => deployRelease(settings, layout, request, run)),
    restore: (request) => guarded(request, (run) => restoreRelease(settings, layout, request, run)),
  };
}

/** One deploy's commands and their results, for the outcome's output. */
interface Run {
  results: CommandResult[];
  startedAt: Date;
}

async function deployRelease(settings: ReleaseDirSettings, layout: ReleaseLayout, request: DeployRequest, run: Run): Promise<StepOutcome> {
  const { release } = request;
  prepareRoot(layout);
  let name = layout.find(release);
  if (name !== null) request.log(say.reusing(name));
  else {
    name = layout.nameFor(release);
    const failure = await build(settings, layout, name, request, run);
    if (failure !== null) return outcome(run, request, false, failure);
    layout.markComplete(name, release);
  }
  if (request.signal.aborted) return outcome(run, request, false, say.cancelled(release));
  const restartFailure = await switchAndRestart(settings, layout, name, request, run);
  if (restartFailure !== null) return outcome(run, request, false, say.restartFailed(release, restartFailure));
  prune(layout, settings.keep, request, name);
  return outcome(run, request, true, say.deployed(release, name));
}

async function restoreRelease(settings: ReleaseDirSettings, layout: ReleaseLayout, request: DeployRequest, run: Run): Promise<StepOutcome> {
  prepareRoot(layout);
  const name = layout.find(request.release);
  if (name === null) {
    request.log(say.notKept(request.release));
    const deployed = await deployRelease(settings, layout, request, run);
    return { ...deployed, reason: `${say.notKept(request.release)}; ${deployed.reason}` };
  }
  const restartFailure = await switchAndRestart(settings, layout, name, request, run);
  if (restartFailure !== null) return outcome(run, request, false, say.restartFailed(request.release, restartFailure));
  return outcome(run, request, true, say.restored(request.release, name));
}

/** Extracts, links and builds `releases/<name>`; returns why it failed (leaving no directory behind), or null. */
async function build(settings: ReleaseDirSettings, layout: ReleaseLayout, name: string, request: DeployRequest, run: Run): Promise<string | null> {
  const { release } = request;
  const dir = layout.dir(name);
  request.log(say.building(name));
  layout.remove(name); // an incomplete leftover of a deploy that crashed
  const extracted = await extractRelease({
    gitDir: request.gitDir,
    release,
    temporary: layout.temporaryDir(name),
    target: dir,
    timeoutMs: settings.timeout * 1000,
    signal: request.signal,
    outputLimit: request.outputLimit,
  });
  run.results.push(...extracted.results);
  if (!extracted.ok) return extracted.reason;
  const failure = linkShared(layout, dir, settings.shared) ?? (await runSteps("build", settings.build, dir, settings, layout, request, run));
  if (failure === null) return null;
  layout.remove(name);
  return say.buildFailed(release, failure);
}

async function switchAndRestart(settings: ReleaseDirSettings, layout: ReleaseLayout, name: string, request: DeployRequest, run: Run): Promise<string | null> {
  layout.switchCurrent(name);
  request.log(say.switched(name));
  return settings.restart === undefined ? null : runSteps("restart", [settings.restart], layout.current, settings, layout, request, run);
}

/** Runs commands in order in `cwd`; returns the first failure's reason, or null. */
async function runSteps(
  what: string,
  commands: ReleaseDirSettings["build"],
  cwd: string,
  settings: ReleaseDirSettings,
  layout: ReleaseLayout,
  request: DeployRequest,
  run: Run,
): Promise<string | null> {
  const env = { ...releaseEnv(request), SHIPGATE_ROOT: layout.root, SHIPGATE_RELEASE_DIR: realpathSync(cwd) };
  for (const [i, command] of commands.entries()) {
    request.log(say.step(what, i + 1, commands.length, describeCommand(command)));
    const result = await runCommand(command, { cwd, env, timeoutMs: settings.timeout * 1000, signal: request.signal, outputLimit: request.outputLimit });
    run.results.push(result);
    if (!result.ok) return result.reason;
  }
  return null;
}

/** Links `<root>/shared/<path>` into the release for each shared path, replacing what the release has there. */
function linkShared(layout: ReleaseLayout, dir: string, shared: readonly string[]): string | null {
  for (const path of shared) {
    const relative = stripSlash(path);
    const source = join(layout.shared, relative);
    if (path.endsWith("/")) mkdirSync(source, { recursive: true });
    else if (!existsSync(source)) return say.sharedMissing(path, source);
    // A directory on the way that the release commits as a symlink must not lead the link (or a mkdir) out of it.
    if (symlinkOnTheWay(dir, dirname(relative))) return say.badSharedPath(path);
    const target = join(dir, relative);
    mkdirSync(dirname(target), { recursive: true });
    rmSync(target, { recursive: true, force: true });
    symlinkSync(source, target);
  }
  return null;
}

function symlinkOnTheWay(dir: string, relativeParent: string): boolean {
  let at = dir;
  for (const part of relativeParent.split(sep).filter((p) => p !== "" && p !== ".")) {
    at = join(at, part);
    try {
      if (lstatSync(at).isSymbolicLink()) return true;
    } catch {
      return false; // from here on mkdir creates real directories
    }
  }
  return false;
}

/** Keeps the newest `keep` complete releases; the current one, the last good one and the one just deployed always stay. */
function prune(layout: ReleaseLayout, keep: number, request: DeployRequest, deployed: string): void {
  const { kept, abandoned } = layout.list();
  for (const path of abandoned) rmSync(path, { recursive: true, force: true });
  const protectedNames = new Set([deployed, layout.currentName(), request.lastGood === null ? null : layout.find(request.lastGood)]);
  const stays = new Set([...protectedNames].filter((name): name is string => name !== null));
  const newestFirst = kept.filter((r) => r.marker !== null).sort((a, b) => (b.marker?.completedAt ?? "").localeCompare(a.marker?.completedAt ?? ""));
  for (const release of newestFirst) if (stays.size < keep) stays.add(release.name);
  const removed = kept.filter((release) => !stays.has(release.name)).map((release) => release.name);
  for (const name of removed) layout.remove(name);
  if (removed.length > 0) request.log(say.pruned(removed));
}

function prepareRoot(layout: ReleaseLayout): void {
  mkdirSync(layout.releases, { recursive: true });
  mkdirSync(layout.shared, { recursive: true });
  try {
    if (!lstatSync(layout.current).isSymbolicLink()) throw new Error(say.currentNotALink(layout.current));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

/** Bad settings are refused before anything is touched. */
function checkSettings(settings: ReleaseDirSettings): void {
  if (!isAbsolute(settings.root)) throw new ConfigError(say.rootNotAbsolute(settings.root), { hint: say.rootNotAbsoluteHint });
  for (const path of settings.shared) {
    const relative = stripSlash(path);
    if (relative === "" || isAbsolute(path) || normalize(relative).split(sep).includes("..") || normalize(relative) === ".") {
      throw new ConfigError(say.badSharedPath(path), { hint: say.badSharedPathHint });
    }
  }
}

/** Turns what a step throws (a full disk, a permission) into a failed outcome: the engine then restores the last good. */
async function guarded(request: DeployRequest, body: (run: Run) => Promise<StepOutcome>): Promise<StepOutcome> {
  const run: Run = { results: [], startedAt: new Date() };
  try {
    return await body(run);
  } catch (error) {
    return outcome(run, request, false, say.unexpected(request.release, error instanceof Error ? error.message : String(error)));
  }
}

function outcome(run: Run, request: DeployRequest, ok: boolean, reason: string): StepOutcome {
  return { ok, reason, output: joinOutputs(run.results, request.outputLimit), startedAt: run.startedAt.toISOString(), endedAt: new Date().toISOString() };
}

function stripSlash(path: string): string {
  return path.replace(/\/+$/, "");
}
