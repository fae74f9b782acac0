/**
 * What the commands do, as a library: open the repository and its deploy settings, then deploy, roll back, unfreeze.
 * Input is checked before anything changes: an unknown environment, a tag that does not exist, a frozen environment
 * or a release marked bad are refused with the way forward, and the ledger is left as it was.
 */
import { isAbsolute, resolve } from "node:path";
import { findConfigFile, openRepo, UsageError } from "@shipgate/core";
import { assertTagName, Ledger, ledgerRefs, type LedgerEntry } from "@shipgate/core/ledger";
import { appendAudit } from "./audit.js";
import { auditLogPath, environmentOf, loadDeploySettings } from "./config.js";
import { runNow, type EngineOptions } from "./engine.js";
import { migrationsGate } from "./gate.js";
import { badKey, newJobId, type DeployRecord, type Job, type JobRelease } from "./job.js";
import { messages } from "./messages.js";
import type { DeploySettings } from "./settings.js";
import { defaultSteps } from "./steps.js";

/** A repository with its ledger and deploy settings. */
export interface Target {
  ledger: Ledger;
  gitDir: string;
  settings: DeploySettings;
  configSource: string;
}

export interface OpenOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** An explicit config file; else a bare repository's `git config shipgate.config` (the trusted server config), else `.shipgate.yml`. */
  config?: string | undefined;
  /** An explicit git dir (the worker started by a hook). */
  gitDir?: string | undefined;
}

export async function openTarget(options: OpenOptions): Promise<Target> {
  const repo = await openRepo(options.gitDir ?? options.cwd, options.gitDir === undefined ? options.env : { ...options.env, GIT_DIR: options.gitDir });
  const file = await configFile(options, repo.bare, repo.commonDir, repo.topLevel, (args) => repo.git.probe(args));
  const settings = await loadDeploySettings(file, repo.commonDir);
  return { ledger: new Ledger(repo.git, repo.objectFormat), gitDir: repo.commonDir, settings, configSource: file };
}

async function configFile(
  options: OpenOptions,
  bare: boolean,
  commonDir: string,
  topLevel: string | null,
  probe: (args: string[]) => Promise<string | null>,
): Promise<string> {
  if (options.config !== undefined) return resolve(options.cwd, options.config);
  if (bare) {
    const configured = await probe(["config", "--get", "shipgate.config"]);
    if (configured === null || configured === "") throw new UsageError(messages.noServerConfig(commonDir), { hint: messages.noServerConfigHint });
    return isAbsolute(configured) ? configured : resolve(commonDir, configured);
  }
  const found = topLevel === null ? null : findConfigFile(topLevel);
  if (found === null) throw new UsageError(messages.noRepoConfig, { hint: messages.noRepoConfigHint });
  return found;
}

/** The identity recorded for a command run by hand or by CI. */
export async function whoAmI(ledger: Ledger, env: NodeJS.ProcessEnv): Promise<string> {
  const explicit = env["SHIPGATE_USER"]?.trim();
  if (explicit !== undefined && explicit !== "") return explicit;
  const email = await ledger.git.probe(["config", "--get", "user.email"]);
  return email !== null && email !== "" ? email : (env["USER"] ?? env["USERNAME"] ?? "unknown");
}

/** A tag (or branch) of the repository as a release; a usage error when there is none by that name. */
export async function resolveRelease(ledger: Ledger, name: string): Promise<JobRelease> {
  assertTagName(name);
  for (const ref of [`refs/tags/${name}`, `refs/heads/${name}`]) {
    const sha = await ledger.git.probe(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
    if (sha !== null) return { tag: name, sha, ref };
  }
  throw new UsageError(messages.noSuchTag(name), { hint: messages.noSuchTagHint });
}

export type RunOptions = Omit<EngineOptions, "ledger" | "gitDir" | "settings" | "configSource" | "steps" | "owner"> & {
  steps?: EngineOptions["steps"];
  who: string;
};

/** `shipgate deploy <tag> --env <name>`: deploy now, in this process; the record says how it ended. */
export async function deployRelease(
  target: Target,
  request: { env: string; tag: string; allowBad?: { reason: string } | undefined },
  options: RunOptions,
): Promise<DeployRecord> {
  environmentOf(target.settings, request.env, target.configSource);
  const release = await resolveRelease(target.ledger, request.tag);
  const job = newJob(request.env, "deploy", release, options.who, "cli");
  if (request.allowBad !== undefined) job.allowBad = request.allowBad;
  return runNow(engineOptions(target, options), job);
}

/** `shipgate rollback --env <name> [--to <tag>]`: put back the last good release before the current one (or `to`). */
export async function rollbackRelease(target: Target, request: { env: string; to?: string | undefined }, options: RunOptions): Promise<DeployRecord> {
  environmentOf(target.settings, request.env, target.configSource);
  const entries = await target.ledger.read(`${ledgerRefs(request.env).base}/`);
  const release = request.to !== undefined ? await resolveRelease(target.ledger, request.to) : await previousGood(target.ledger, request.env, entries);
  const bad = entries.get(ledgerRefs(request.env).bad(badKey(release)));
  if (bad !== undefined) throw new UsageError(messages.rollbackToBad(release.tag, request.env), { hint: messages.allowBadHint(release.tag, request.env) });
  return runNow(engineOptions(target, options), newJob(request.env, "rollback", release, options.who, "rollback"));
}

/** The newest release that passed verification here, is not the current one and is not marked bad. */
async function previousGood(ledger: Ledger, env: string, entries: Map<string, LedgerEntry>): Promise<JobRelease> {
  const refs = ledgerRefs(env);
  const current = entries.get(refs.current)?.data["sha"];
  for (const entry of await ledger.history(refs.good, 200)) {
    const { tag, sha, ref } = entry.data;
    if (typeof tag !== "string" || typeof sha !== "string" || sha === current) continue;
    const release = { tag, sha, ref: typeof ref === "string" ? ref : `refs/tags/${tag}` };
    if (!entries.has(refs.bad(badKey(release)))) return release;
  }
  throw new UsageError(messages.nothingToRollBackTo(env), { hint: messages.nothingToRollBackToHint(env) });
}

/** `shipgate unfreeze --env <name> --reason R`: lets automatic deploys run again; false when it was not frozen. */
export async function unfreeze(target: Target, request: { env: string; reason: string; who: string }): Promise<boolean> {
  environmentOf(target.settings, request.env, target.configSource);
  if (request.reason.trim() === "") throw new UsageError(messages.reasonRequired("unfreeze"), { hint: messages.reasonHint });
  const frozen = await target.ledger.entry(ledgerRefs(request.env).frozen);
  if (frozen === null) return false;
  if (!(await target.ledger.apply([{ ref: frozen.ref, to: null, from: frozen.oid }]))) return false;
  appendAudit(auditLogPath(target.settings, target.gitDir), {
    event: "unfrozen",
    env: request.env,
    who: request.who,
    reason: request.reason,
    frozenFor: frozen.data["reason"],
  });
  return true;
}

export function engineOptions(target: Target, options: RunOptions & { owner?: string }): EngineOptions {
  const { who, owner, steps, ...rest } = options;
  return {
    ...rest,
    ledger: target.ledger,
    gitDir: target.gitDir,
    settings: target.settings,
    configSource: target.configSource,
    steps: steps ?? defaultSteps,
    gate: rest.gate ?? migrationsGate(target.configSource),
    owner: owner ?? who,
  };
}

function newJob(env: string, kind: Job["kind"], release: JobRelease, who: string, trigger: Job["trigger"]): Job {
  return { id: newJobId(env), env, kind, release, trigger, who, queuedAt: new Date().toISOString() };
}
