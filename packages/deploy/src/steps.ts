/**
 * What the engine runs for each step, behind one seam: the deployers and verifiers (src/deployers, src/verifiers)
 * and the release gate (@shipgate/migrations). Tests and embedders pass their own; the defaults load lazily.
 */
import { InternalError } from "@shipgate/core/errors";
import type { DeployRequest, Deployer, Release, Verifier, VerifyOutcome } from "./types.js";
import type { DeployerSettings, EnvironmentSettings, VerifySettings } from "./settings.js";
import { messages } from "./messages.js";

export interface Steps {
  deployer(settings: EnvironmentSettings, context: { env: string; gitDir: string }): Deployer;
  /** Runs every verifier of the environment within its window and returns the combined verdict. */
  verify(settings: EnvironmentSettings, request: DeployRequest): Promise<VerifyOutcome>;
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

interface DeployersModule {
  createDeployer(settings: DeployerSettings, context: { env: string; gitDir: string }): Deployer;
}

interface VerifiersModule {
  createVerifiers(settings: VerifySettings): Verifier[];
  runVerification(verifiers: Verifier[], request: DeployRequest, windowSeconds: number): Promise<VerifyOutcome>;
}

/**
 * The deployers and verifiers of this package, loaded on first use.
 * TODO(lead): once src/deployers and src/verifiers are merged, replace the computed specifiers with static imports.
 */
export async function defaultSteps(): Promise<Steps> {
  const deployersPath = "./deployers/index.js";
  const verifiersPath = "./verifiers/index.js";
  let deployers: DeployersModule;
  let verifiers: VerifiersModule;
  try {
    deployers = (await import(deployersPath)) as DeployersModule;
    verifiers = (await import(verifiersPath)) as VerifiersModule;
  } catch (error) {
    throw new InternalError(messages.stepsMissing((error as Error).message), { hint: messages.stepsMissingHint });
  }
  return {
    deployer: (settings, context) => deployers.createDeployer(settings.deployer, context),
    verify: (settings, request) => verifiers.runVerification(verifiers.createVerifiers(settings.verify), request, settings.verify.window),
  };
}

/**
 * The gate when none was given: an environment that asks for it is refused rather than deployed unchecked.
 * TODO(lead): wire `runGate` from @shipgate/migrations (`--from <last good> --to <tag>`) here.
 */
export const gateUnavailable: GateFn = async () => ({ ok: false, reason: messages.gateUnavailable, output: "" });
