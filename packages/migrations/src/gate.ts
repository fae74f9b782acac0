/**
 * The release gate as a library call: `runGate` resolves the range, runs the release policies (`migrations`,
 * `migrations-immutable` and whatever else the config runs at the `ci` stage) and returns the report. `shipgate gate`,
 * `shipgate migrations verify` and the deploy engine call it; they only parse arguments and print.
 */
import {
  buildRangeChange,
  isZeroOid,
  pluginPolicies,
  readSection,
  runPolicies,
  UsageError,
  type Config,
  type Plugin,
  type Repo,
  type Report,
} from "@shipgate/core";
import { messages } from "./messages.js";
import { cacheOptions, openParseCacheOf } from "./cache/options.js";
import { saveParseCache } from "./cache/parse-cache.js";
import { guardRun } from "./guard.js";
import { resolveRange, type ResolvedRange } from "./release.js";
import { migrationsSection, type MigrationsSettings } from "./settings.js";
import { plugin as migrationsPlugin } from "./plugin.js";

export interface GateOptions {
  repo: Repo;
  /** The validated config, and the plugins it was validated with (their policies run too). */
  config: Config;
  plugins: readonly Plugin[];
  /** A revision, or `auto`: the environment's last good deploy, else the previous release tag. */
  from: string;
  to: string;
  /** A PostgreSQL URL for the dynamic check instead of the configured one (PGlite when neither is set). */
  database?: string | undefined;
  /** The deploy environment whose last good release `auto` reads. */
  environment?: string | undefined;
  /** Run (true) or skip (false) the dynamic check, whatever the section says. */
  dynamic?: boolean | undefined;
  /** Run only these policies (`migrations verify` runs `migrations` alone). */
  only?: readonly string[];
  /** Progress lines (what was compared, the dynamic check's steps). */
  log?: (line: string) => void;
}

export interface GateResult {
  range: ResolvedRange;
  report: Report;
}

/** The release policies run at the gate unless the config says otherwise: a user's entry (off, warn, stages) wins. */
export const GATE_DEFAULTS = { migrations: "error", "migrations-immutable": "error" } as const;

export async function runGate(options: GateOptions): Promise<GateResult> {
  const settings = gateSettings(options);
  const range = await resolveRange(options.repo, options.from, options.to, settings);
  if ("unknown" in range) throw new UsageError(messages.unknownRevision(range.unknown), { hint: messages.unknownRevisionHint });
  options.log?.(`${range.to.slice(0, 12)} against ${range.fromSource}`);
  const change = await buildRangeChange(options.repo, [{ name: "HEAD", oldOid: range.from, newOid: range.to }], {
    stage: "ci",
    known: isZeroOid(range.from) ? [] : [range.from],
    baseline: options.config.baseline?.commit,
  });
  try {
    // Command-line choices beat the file: the section is read back by the migrations policy from this config.
    const config: Config = { ...options.config, [migrationsSection.key]: settings };
    // This package's policies run even when the config names none of them (then it was loaded without this plugin).
    const plugins = [migrationsPlugin, ...options.plugins.filter((plugin) => plugin.package !== migrationsPlugin.package)];
    // The database is checked first, leftovers of killed runs go, and a signal cleans up what this run made.
    // Migration files parsed by an earlier run are not parsed again (cache/parse-cache.ts).
    openParseCacheOf(cacheOptions(options.repo.commonDir));
    const report = await guardRun({ repo: options.repo, settings, ...(options.log ? { log: options.log } : {}) }, () =>
      runPolicies(change, config, {
        extra: pluginPolicies(plugins),
        defaults: GATE_DEFAULTS,
        ...(options.only === undefined ? {} : { only: options.only }),
      }),
    );
    saveParseCache();
    return { range, report };
  } finally {
    change.objects.close();
  }
}

/** The `migrations:` section with the command line's database, environment and static choices applied. */
function gateSettings(options: GateOptions): MigrationsSettings {
  const base = readSection(options.config, migrationsSection);
  return {
    ...base,
    ...(options.environment === undefined ? {} : { environment: options.environment }),
    ...(options.dynamic === undefined ? {} : { dynamic: options.dynamic }),
    ...(options.database === undefined ? {} : { database: { url: options.database } }),
  };
}
