/**
 * Policies that live in other packages (so a hook does not load, say, a SQL parser it never uses). Core knows their
 * ids, so a config can name them and is validated like any other; the package supplies the check and fills the
 * entry's options from its own config section. Each caller passes the loaders it can resolve.
 */
import type { Config } from "../config/schema.js";
import { ConfigError } from "../errors.js";
import type { AnyPolicy } from "./policy.js";

export interface ExternalPolicyModule {
  policy: AnyPolicy;
  /** The config with this policy's entry completed (e.g. options read from the package's own section). */
  configure(config: Config): Config;
}

export interface ExternalPolicy {
  id: string;
  /** The package to install for it. */
  package: string;
  summary: string;
}

export const EXTERNAL_POLICIES: readonly ExternalPolicy[] = [
  {
    id: "migrations-immutable",
    package: "@shipgate/migrations",
    summary: "refuse edits and deletions of migrations that a release tag already contains (options: the migrations: section)",
  },
];

export type ExternalLoaders = Readonly<Record<string, () => Promise<ExternalPolicyModule>>>;

/** Loads the external policies the config turns on; names the package to install when one cannot be loaded. */
export async function loadExternalPolicies(config: Config, loaders: ExternalLoaders): Promise<{ config: Config; extra: AnyPolicy[] }> {
  const extra: AnyPolicy[] = [];
  let configured = config;
  for (const external of EXTERNAL_POLICIES) {
    const entry = (config.policies as Record<string, { severity?: string } | undefined>)[external.id];
    if (entry === undefined || entry.severity === "off") continue;
    const load = loaders[external.id];
    let module: ExternalPolicyModule;
    try {
      if (load === undefined) throw new Error("this command does not run it");
      module = await load();
    } catch (error) {
      throw new ConfigError(`policies.${external.id}: cannot load it from ${external.package} (${(error as Error).message})`, {
        hint: `Install ${external.package} next to shipgate (npm install --save-dev ${external.package}), or set policies.${external.id}: off.`,
      });
    }
    extra.push(module.policy);
    configured = module.configure(configured);
  }
  return { config: configured, extra };
}
