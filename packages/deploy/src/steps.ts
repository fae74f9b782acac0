/**
 * What the engine runs for each step, behind one seam: the deployers and verifiers (src/deployers, src/verifiers)
 * and the release gate (@shipgate/migrations). Tests and embedders pass their own; the defaults load lazily.
 */
import type { DeployRequest, Deployer, Release, VerifyOutcome } from "./types.js";
import type { EnvironmentSettings } from "./settings.js";
import { messages } from "./messages.js";

export interface Steps {
  deployer(settings: EnvironmentSettings, context: { env: string; gitDir: string }): Deployer;
  /** Runs every verifier of the environment within its window and returns the combined verdict. */
  verify(settings: EnvironmentSettings, request: DeployRequest): Promise<VerifyOutcome>;
  /** Before a deploy: what would fail every verification whatever the release does (null: nothing found). */
  checkVerifiers?(settings: EnvironmentSettings, request: DeployRequest): Promise<string | null>;
}

export interface GateInput {
  env: string;
  gitDir: string;
  /** The last good release (null on a first deploy) and the candidate. */
  from: Release | null;
  to: Release;
  signal: AbortSignal;
}

export interface GateOutcome {
  ok: boolean;
  reason: string;
  output: string;
}

/** The release gate run before a deploy when the environment sets `gate: true`. */
export type GateFn = (input: GateInput) => Promise<GateOutcome>;

/** The deployers and verifiers of this package, loaded on first use (a status or history command never loads them). */
export async function defaultSteps(): Promise<Steps> {
  const [deployers, verifiers] = await Promise.all([import("./deployers/index.js"), import("./verifiers/index.js")]);
  return {
    deployer: (settings) => deployers.createDeployer(settings.deployer),
    verify: (settings, request) => verifiers.runVerification(verifiers.createVerifiers(settings.verify), request, settings.verify.window),
    checkVerifiers: (settings, request) => verifiers.checkBeforeDeploy(settings.verify, request),
  };
}

/**
 * The gate when an embedder gives the engine none: an environment that asks for it is refused rather than deployed
 * unchecked. The commands and the worker pass `migrationsGate` (gate.ts), the real one.
 */
export const gateUnavailable: GateFn = async () => ({ ok: false, reason: messages.gateUnavailable, output: "" });
