/** Runs the configured policies over a Change: fixers in order, then checks in parallel; returns a Report. */
import type { Change, FileChange, LineSelection, Stage } from "./change/types.js";
import { serves, unionLines } from "./change/lines.js";
import type { Config } from "./config/schema.js";
import { POLICIES } from "./policies/index.js";
import type { AnyPolicy, Finding, Fix, PolicyResult, Severity } from "./policies/policy.js";
import { ExitCode, InternalError, isShipgateError } from "./errors.js";
import { messages } from "./messages.js";
import { createDebug } from "./debug.js";
import type { Plugin } from "./plugin/plugin.js";
import { progressReporter } from "./progress.js";
import { now } from "./clock.js";
import type { ToolHost } from "./policies/tool-jobs.js";

const debug = createDebug("shipgate:run");

export type RunStatus = "pass" | "fail" | "warn" | "skipped";

export interface PolicyRun {
  id: string;
  status: RunStatus;
  durationMs: number;
  findings: Finding[];
  /** Why it did not run (off, other stage, skipped by SHIPGATE_SKIP). */
  reason?: string;
  /** What the user should know about this run, with the fix (e.g. eslint is not installed); reports always show it. */
  notice?: string;
  /** What the run did, as data (JSON reports). */
  details?: Readonly<Record<string, unknown>>;
}

export interface Report {
  stage: Change["stage"];
  runs: PolicyRun[];
  findings: Finding[];
  /** Fixed file contents (pre-commit with fixers on), in the order they were produced, latest per path. */
  fixes: Fix[];
  exitCode: ExitCode;
  durationMs: number;
  /** How many commits and files were checked, for the summary line. */
  checked: { commits: number; files: number; refs: number };
}

export interface RunOptions {
  /** Policy ids to skip (SHIPGATE_SKIP), announced in the report. */
  skip?: readonly string[];
  /** Let fixer policies rewrite staged content. */
  fixing?: boolean;
  /** Only these policies (e.g. `shipgate check --policy secrets`). */
  only?: readonly string[];
  /** Policies beyond the built-in registry: the loaded plugins' (see `pluginPolicies`). */
  extra?: readonly AnyPolicy[];
  /** Severity of policies the config does not mention (e.g. the gate runs its release policies unless told otherwise). */
  defaults?: Readonly<Record<string, "error" | "warn">>;
  /** Treat a crashing policy as a pass (fail-open) instead of an error finding. */
  failOpen?: boolean;
  /** Where a long-running fixer or linter says what it works on (stderr); silent without it. */
  log?: (line: string) => void;
  /** Where the tool policies (eslint, prettier) run their per-file work: worker threads, the lint daemon (see tool-jobs.ts). */
  tools?: ToolHost;
}

/** The policies the given plugins contribute, for `RunOptions.extra`. */
export function pluginPolicies(plugins: readonly Plugin[]): AnyPolicy[] {
  return plugins.flatMap((plugin) => plugin.policies ?? []);
}

export async function runPolicies(change: Change, config: Config, options: RunOptions = {}): Promise<Report> {
  const started = now();
  const overlay = new Map<string, Buffer>();
  const read = async (file: FileChange): Promise<Buffer> => {
    const fixed = overlay.get(file.path);
    if (fixed) return fixed;
    const object = await change.objects.read(file.oid);
    return object?.content ?? Buffer.alloc(0);
  };
  const cwd = change.repo.topLevel ?? change.repo.gitDir;
  const fixing = options.fixing ?? false;
  const policies = [...POLICIES, ...(options.extra ?? [])];
  const planned = policies.map((policy) => plan(policy, change.stage, config, options));
  // A Change built for other policies may lack lines this run reads: a caller's bug, never a silent pass.
  for (const item of planned) {
    if (!item.skip && !serves(change.lines, item.policy.lines ?? "all")) throw new InternalError(messages.linesMissing(item.policy.id));
  }
  const runOne = async (item: Planned, seen: Change = change): Promise<PolicyRun> => {
    if (item.skip) return { id: item.policy.id, status: "skipped", durationMs: 0, findings: [], reason: item.skip };
    const t0 = now();
    let findings: Finding[];
    let skipped: string | undefined;
    let notice: string | undefined;
    let details: PolicyResult["details"];
    try {
      const working = options.log ? { working: progressReporter(item.policy.id, options.log) } : {};
      const tools = options.tools ? { tools: options.tools } : {};
      const result = await item.policy.check({ change: seen, options: item.options, cwd, read, fixing, config, ...working, ...tools });
      skipped = result.skipped;
      notice = result.notice;
      details = result.details;
      findings = result.issues.map((issue) => ({ ...issue, policy: item.policy.id, severity: issue.severity ?? item.severity }));
      for (const fix of result.fixes ?? []) overlay.set(fix.path, fix.content);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      debug(`${item.policy.id} crashed: ${error instanceof Error ? (error.stack ?? text) : text}`);
      // A configuration problem (a tool's config that does not load) says what to fix; anything else is a bug.
      const configProblem = isShipgateError(error) && error.exitCode === ExitCode.Usage;
      const message = configProblem ? text : messages.policyCrashed(item.policy.id, text);
      const fix = configProblem ? (error.hint ?? messages.policyCrashedFix) : messages.policyCrashedFix;
      findings = options.failOpen ? [] : [{ policy: item.policy.id, severity: "error", message, fix, crashed: true }];
    }
    const durationMs = now() - t0;
    const told = { ...(notice === undefined ? {} : { notice }), ...(details === undefined ? {} : { details }) };
    if (skipped !== undefined && findings.length === 0) return { id: item.policy.id, status: "skipped", durationMs, findings, reason: skipped, ...told };
    const status: RunStatus = findings.some((f) => f.severity === "error") ? "fail" : findings.length > 0 ? "warn" : "pass";
    return { id: item.policy.id, status, durationMs, findings, ...told };
  };
  const runs = new Map<string, PolicyRun>();
  const fixerChange = withoutFilesKeptFromFixers(change, planned);
  for (const item of planned.filter((p) => p.policy.fixer === true && !p.skip)) runs.set(item.policy.id, await runOne(item, fixerChange));
  const rest = await Promise.all(planned.filter((p) => !runs.has(p.policy.id)).map((item) => runOne(item)));
  for (const run of rest) runs.set(run.id, run);
  const ordered = planned.map((p) => runs.get(p.policy.id)).filter((r): r is PolicyRun => r !== undefined);
  const findings = ordered.flatMap((run) => run.findings);
  return {
    stage: change.stage,
    runs: ordered,
    findings,
    fixes: [...overlay].map(([path, content]) => ({ path, content })),
    exitCode: exitCodeOf(findings),
    durationMs: now() - started,
    checked: { commits: change.commits.length, files: change.files.length, refs: change.refs.length },
  };
}

/** 1 when an error blocks the change; else 2 when a policy could not judge it here (`inconclusive`); else 0. */
function exitCodeOf(findings: readonly Finding[]): ExitCode {
  const errors = findings.filter((f) => f.severity === "error");
  if (errors.some((f) => f.inconclusive !== true)) return ExitCode.Blocked;
  return errors.length > 0 ? ExitCode.Usage : ExitCode.Pass;
}

/**
 * The Change the fixers and linters see: without the files a running policy keeps from them (file-size: a file over
 * its limit, which it refuses at once, can keep eslint or prettier busy for minutes). Binaries never reach them either
 * (`latestTextFiles`).
 */
function withoutFilesKeptFromFixers(change: Change, planned: readonly Planned[]): Change {
  const keepers = planned.filter((p) => !p.skip && p.policy.keepsFromFixers !== undefined);
  if (keepers.length === 0) return change;
  const files = change.files.filter((file) => !keepers.some((p) => p.policy.keepsFromFixers?.(file, p.options)));
  return files.length === change.files.length ? change : { ...change, files };
}

interface Planned {
  policy: AnyPolicy;
  severity: Severity;
  options: Record<string, unknown>;
  skip: string | null;
}

/** The added lines that the policies `runPolicies` would run with these arguments read: what to build the Change with. */
export function linesRead(stage: Stage, config: Config, options: RunOptions = {}): LineSelection {
  const policies = [...POLICIES, ...(options.extra ?? [])];
  return unionLines(policies.filter((policy) => plan(policy, stage, config, options).skip === null).map((policy) => policy.lines ?? "all"));
}

function plan(policy: AnyPolicy, stage: Stage, config: Config, options: RunOptions): Planned {
  const fallback = options.defaults?.[policy.id];
  const entry = config.policies[policy.id] ?? (fallback === undefined ? undefined : { severity: fallback });
  const { severity = "off", stages, ...rest } = entry ?? {};
  const level: Severity = severity === "warn" ? "warn" : "error";
  const base = { policy, severity: level, options: rest };
  if (entry === undefined || severity === "off") return { ...base, skip: "off" };
  if (options.only && !options.only.includes(policy.id)) return { ...base, skip: "not selected" };
  if (options.skip?.includes(policy.id)) return { ...base, skip: "SHIPGATE_SKIP" };
  const active: readonly string[] = stages ?? policy.stages;
  if (!active.includes(stage)) return { ...base, skip: `not run at ${stage}` };
  return { ...base, skip: null };
}
