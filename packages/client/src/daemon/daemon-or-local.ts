/**
 * Where a pre-commit hook's eslint and prettier jobs run: on the repository's lint daemon when one answers for this
 * build, Node and environment, else in this process (with worker threads when many files are staged). The outcome of a
 * job is the same wherever it runs, so a daemon that is absent, stale or failing only costs time.
 */
import { availableParallelism, loadavg } from "node:os";
import { createDebug, type OutcomeOf, type Repo, type ToolRequest } from "@shipgate/core";
import { DaemonConnection, DaemonUnavailable } from "./client.js";
import { daemonFiles, unsupported } from "./files.js";
import { currentIdentity, entryScript } from "./identity.js";
import { LintPool } from "./pool.js";
import { FrameTooLarge, type WireOutcome } from "./protocol.js";
import { readSwitch, restartInBackground, type DaemonSwitch } from "./switch.js";
import { messages } from "../messages.js";
import type { HookTools, ToolPlan } from "./host.js";

const debug = createDebug("shipgate:daemon");

/** Files staged from which this process spreads its jobs over worker threads (each loads the tools, ~1 s of CPU). */
export const SPREAD_AT = 16;

export class DaemonOrLocal implements HookTools {
  private pool: LintPool | null = null;
  private connection: Promise<DaemonConnection | null> | null = null;
  private prewarmed = false;

  constructor(
    private readonly repo: Repo,
    private readonly env: NodeJS.ProcessEnv,
    private readonly log: (line: string) => void,
    private readonly plan: ToolPlan,
  ) {}

  async run<R extends ToolRequest>(request: R, started?: (index: number) => void): Promise<OutcomeOf<R>[]> {
    const daemon = await (this.connection ??= this.connect());
    if (daemon === null) {
      this.prewarmPrettier(request);
      return this.local().run(request, started);
    }
    let outcomes: WireOutcome[];
    try {
      outcomes = await daemon.run(request, started);
    } catch (error) {
      if (error instanceof FrameTooLarge) {
        debug(`linting here: ${error.message}`);
        return this.local().run(request, started);
      }
      this.log(messages.daemonFailed(error instanceof Error ? error.message : String(error)));
      this.connection = Promise.resolve(null);
      daemon.close();
      return this.local().run(request, started);
    }
    return this.withDeclinedDoneHere(request, outcomes as (OutcomeOf<R> | { kind: "declined" })[]);
  }

  async close(): Promise<void> {
    const daemon = await this.connection;
    daemon?.close();
    await this.pool?.close();
  }

  /** Jobs the daemon declined (type-aware configs) run here; the others keep the daemon's outcome. */
  private async withDeclinedDoneHere<R extends ToolRequest>(request: R, outcomes: (OutcomeOf<R> | { kind: "declined" })[]): Promise<OutcomeOf<R>[]> {
    const declined = outcomes.flatMap((outcome, index) => (outcome.kind === "declined" ? [index] : []));
    if (declined.length === 0) return outcomes as OutcomeOf<R>[];
    debug(`the daemon declined ${declined.length} job(s) (type-aware linting): linting them here`);
    const subset = { tool: request.tool, jobs: declined.map((index) => request.jobs[index]) } as R;
    const done = await this.local().run(subset);
    declined.forEach((index, i) => (outcomes[index] = done[i] as OutcomeOf<R>));
    return outcomes as OutcomeOf<R>[];
  }

  /** While eslint runs here, a worker loads prettier with a staged file of this commit, for prettier's turn. */
  private prewarmPrettier(request: ToolRequest): void {
    const job = request.tool === "eslint" ? request.jobs[0] : undefined;
    if (this.prewarmed || job === undefined || this.plan.prettier === null || this.repo.topLevel === null) return;
    this.prewarmed = true;
    const warm = { cwd: this.repo.topLevel, requireConfig: this.plan.prettier.requireConfig, filePath: job.filePath, source: job.source };
    this.local().prewarm([{ tool: "prettier", jobs: [warm] }]);
  }

  private local(): LintPool {
    const maxWorkers = threadsWanted(this.env) ?? Math.max(0, Math.min(idleCores(), 3));
    this.pool ??= new LintPool({ inline: true, minWorkers: 0, maxWorkers, spreadAt: SPREAD_AT, declineTypeAware: false, script: entryScript("lint-worker") });
    return this.pool;
  }

  private async connect(): Promise<DaemonConnection | null> {
    const files = daemonFiles(this.repo.gitDir);
    if (offByEnv(this.env) || unsupported(files) !== null) return null;
    try {
      return await DaemonConnection.open(files, currentIdentity(this.env));
    } catch (error) {
      if (!(error instanceof DaemonUnavailable)) throw error;
      debug(`no daemon: ${error.message}`);
      if (error.reason === "unsafe") this.log(messages.daemonNotUsed(error.message));
      if (error.reason === "failed") this.log(messages.daemonFailed(error.message));
      const wanted: DaemonSwitch = await readSwitch(this.repo);
      if (error.reason === "stale" && !wanted.autostart) this.log(messages.daemonStale(error.message));
      if (wanted.autostart && error.reason !== "unsafe" && !this.env["CI"]) {
        if (error.reason === "absent") this.log(messages.daemonStarting);
        await restartInBackground(this.repo, this.env, wanted.idleMs);
      }
      return null;
    }
  }
}

/**
 * Cores no runnable process wants (the last minute's load average, this hook included): a worker thread pays only
 * on one of those. On a busy machine it competes with this thread for the same core and made commits slower.
 */
function idleCores(): number {
  return Math.floor(availableParallelism() - (loadavg()[0] ?? 0));
}

/** SHIPGATE_LINT_THREADS=n: at most n worker threads whatever the load (0: none). */
function threadsWanted(env: NodeJS.ProcessEnv): number | null {
  const value = env["SHIPGATE_LINT_THREADS"]?.trim() ?? "";
  return /^\d{1,2}$/.test(value) ? Number(value) : null;
}

/** SHIPGATE_DAEMON=0 keeps hooks from using any daemon. */
function offByEnv(env: NodeJS.ProcessEnv): boolean {
  const value = (env["SHIPGATE_DAEMON"] ?? "").trim().toLowerCase();
  return value === "0" || value === "false" || value === "off";
}
