/** The contracts between the deploy machine (engine) and the steps it runs (deployers, verifiers). */

/** A release: a tag (or branch name for branch-triggered environments) and the commit it names. */
export interface Release {
  tag: string;
  sha: string;
}

/** What one step did, as the record keeps it. */
export interface StepOutcome {
  ok: boolean;
  /** One sentence: why it failed (or what it did). */
  reason: string;
  /** Captured output, already bounded to the configured limit (the tail is kept; a marker says what was cut). */
  output: string;
  startedAt: string;
  endedAt: string;
}

export interface StepContext {
  /** The environment's name (`production`). */
  env: string;
  /** Absolute path of the git directory that holds the tags (the bare repository on a server). */
  gitDir: string;
  /** Cancelled when the worker is told to stop: every child process tree is killed. */
  signal: AbortSignal;
  /** One line of progress for the live log (`shipgate status --follow`). */
  log: (line: string) => void;
  /** Bytes of output kept per step. */
  outputLimit: number;
}

export interface DeployRequest extends StepContext {
  release: Release;
  /** What served before this deploy (the environment's current pointer), if anything. */
  previous: Release | null;
  /** The last release that passed verification here, if any. */
  lastGood: Release | null;
}

export interface Deployer {
  /** Puts `release` in service (build, switch, restart). Idempotent: deploying the same release twice is safe. */
  deploy(request: DeployRequest): Promise<StepOutcome>;
  /**
   * Puts a release that served before back in service, as fast as the deployer can (release-dir: swap back to the
   * kept directory without rebuilding); falls back to a full deploy when nothing is kept.
   */
  restore(request: DeployRequest): Promise<StepOutcome>;
}

/** A verification of the release now in service. Verifiers of one environment run together within one window. */
export interface Verifier {
  /** `http http://127.0.0.1:8080/health`, `command ./smoke.sh`: how the record names it. */
  name: string;
  /** Resolves when the verdict is known or `signal` aborts (the window closed): a failure says which probe and why. */
  verify(request: DeployRequest & { deadline: number }): Promise<VerifyOutcome>;
}

export interface VerifyOutcome extends StepOutcome {
  /** Probes made, and the time from the first failing probe to the failure verdict (detection), when it failed. */
  probes: number;
  detectionMs?: number;
}
