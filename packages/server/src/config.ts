/** The trusted server config, and the narrowing merge of a pushed `.shipgate.yml` (it may add checks, never remove them). */
import { isAbsolute, resolve } from "node:path";
import * as v from "valibot";
import {
  ConfigError,
  POLICIES,
  configSchema,
  globRegExp,
  linearTimeProblem,
  loadConfigCached,
  loadConfigWithPlugins,
  openRepo,
  parseConfigText,
  readSection,
  type AnyPolicy,
  type Config,
  type Plugin,
  type Repo,
} from "@shipgate/core";
import { auditPath } from "./audit.js";
import { messages } from "./messages.js";
import { importPlugin, plugin as serverPlugin } from "./plugin.js";
import { ServerSection, serverSection, type ServerSettings } from "./settings.js";

export type { ServerSettings } from "./settings.js";

export interface ServerConfig {
  config: Config;
  server: ServerSettings;
  file: string;
  /** This package's plugin and those the config names (migrations, deploy). */
  plugins: Plugin[];
}

/** Where the config comes from: the path the installed hook passes, else `git config shipgate.config` on the repository. */
export async function locateServerConfig(repo: Repo, fromHook: string | null): Promise<string> {
  if (fromHook !== null && fromHook !== "") return resolve(repo.commonDir, fromHook);
  const configured = await repo.git.probe(["config", "--get", "shipgate.config"]);
  if (configured === null || configured === "") throw new ConfigError(messages.noConfig, { hint: messages.noConfigHint });
  return isAbsolute(configured) ? configured : resolve(repo.commonDir, configured);
}

/**
 * Loads and validates the server config; one that turns no policy on is refused unless `server.allowEmpty` says so.
 * With `cacheDir` (the repository's git dir) the validated config is kept there, as the client hooks keep theirs, so a
 * push skips YAML parsing and validation while the file is unchanged.
 */
export async function loadServerConfig(file: string, cacheDir?: string): Promise<ServerConfig> {
  const loaded = await readServerConfig(file, cacheDir);
  // A truncated or emptied file parses as `{}`: a hook running it would say ok to every push.
  if (!loaded.server.allowEmpty && !Object.values(loaded.config.policies).some((entry) => entry.severity !== "off"))
    throw new ConfigError(messages.noPolicy(file), { hint: messages.noPolicyHint });
  return loaded;
}

async function readServerConfig(file: string, cacheDir?: string): Promise<ServerConfig> {
  const { config, plugins } =
    cacheDir === undefined
      ? await loadConfigWithPlugins(file, importPlugin, [serverPlugin])
      : await loadConfigCached(file, cacheDir, importPlugin, [serverPlugin]);
  return { config, server: readSection(config, serverSection), file, plugins };
}

/**
 * Where to write the audit entry of a push refused before the config was loaded (bad hook input, a broken config):
 * the configured log when the config can still be read, else the default log in the git dir (`fallback` is then true).
 */
export async function auditFileWithoutConfig(cwd: string, env: NodeJS.ProcessEnv, fromHook: string | null): Promise<{ file: string; fallback: boolean }> {
  let gitDir = resolve(cwd, env["GIT_DIR"] ?? ".");
  try {
    const repo = await openRepo(cwd, env);
    gitDir = repo.commonDir;
    const { server } = await readServerConfig(await locateServerConfig(repo, fromHook));
    return { file: auditPath(server.auditLog, gitDir), fallback: false };
  } catch {
    return { file: auditPath(ServerSection.entries.auditLog.default, gitDir), fallback: true };
  }
}

/** A pushed config file: where it was read from and its text. */
export interface PushedConfig {
  source: string;
  /** null when the file was too large to read. */
  text: string | null;
}

export interface NarrowResult {
  config: Config;
  /** What was ignored and why, for the pusher. */
  notes: string[];
}

type Entry = Record<string, unknown> & { severity?: string };

const RANK: Record<string, number> = { off: 0, warn: 1, error: 2 };

/**
 * Applies pushed configs on top of the server's: a policy the server leaves off may be turned on (if listed in
 * server.repoConfigPolicies), a warning may become an error; options of policies the server configures, `stages`,
 * `extends` and the whole `server:` section are ignored, so pushed content can only make the gate stricter.
 */
export function narrowConfig(server: ServerConfig, pushed: readonly PushedConfig[]): NarrowResult {
  const notes: string[] = [];
  const policies: Record<string, Entry> = { ...server.config.policies };
  for (const { source, text } of pushed) {
    if (text === null) {
      notes.push(messages.repoConfigIgnored(source, `larger than ${MAX_PUSHED_CONFIG} bytes`));
      continue;
    }
    let layer: Record<string, unknown>;
    try {
      layer = parseConfigText(text, source, server.plugins);
    } catch (error) {
      notes.push(messages.repoConfigIgnored(source, error instanceof Error ? error.message : String(error)));
      continue;
    }
    if (layer["extends"] !== undefined) notes.push(messages.repoConfigIgnored(`${source} extends:`, "pushed configs cannot pull in other files on the server"));
    for (const [id, raw] of Object.entries((layer["policies"] ?? {}) as Record<string, Entry | null>)) {
      const { stages: _stages, ...entry } = raw ?? {};
      const wanted = entry.severity ?? "error";
      const current = policies[id];
      const currentRank = RANK[current?.severity ?? "off"] ?? 0;
      if ((RANK[wanted] ?? 0) < currentRank) {
        notes.push(messages.repoConfigCannotLoosen(source, id));
      } else if (current !== undefined && currentRank > 0) {
        if ((RANK[wanted] ?? 0) > currentRank) policies[id] = { ...current, severity: wanted };
      } else if (wanted !== "off") {
        if (!server.server.repoConfigPolicies.includes(id)) notes.push(messages.repoConfigNotAllowed(source, id));
        else {
          const refused = vetPatterns(source, id, entry, server.plugins);
          if (refused === null) policies[id] = { ...entry, severity: wanted };
          else notes.push(refused);
        }
      }
    }
  }
  const result = configSchema(server.plugins).safeParse({ ...server.config, policies });
  if (!result.success) {
    // A pushed entry made the result invalid; it was validated alone, so this is a bug: keep the server's config.
    notes.push(messages.repoConfigIgnored("pushed config", "the merged config did not validate"));
    return { config: server.config, notes };
  }
  return { config: result.output, notes };
}

/**
 * Why a pushed entry that turns `id` on must be ignored, or null to take it: its policy must declare the patterns its
 * options hold, and each must run on the linear-time engine (globs and regular expressions meet the pusher's names).
 */
function vetPatterns(source: string, id: string, entry: Entry, plugins: readonly Plugin[]): string | null {
  const policy = [...POLICIES, ...plugins.flatMap((plugin) => plugin.policies ?? [])].find((candidate: AnyPolicy) => candidate.id === id);
  if (policy?.patterns === undefined) return messages.repoConfigNoPatterns(source, id);
  const { severity: _severity, ...options } = entry;
  const parsed = v.safeParse(policy.options, options);
  // The layer was validated as a whole already; an entry that does not parse alone is not taken.
  if (!parsed.success) return messages.repoConfigNoPatterns(source, id);
  for (const use of policy.patterns(parsed.output)) {
    const why = "glob" in use ? (globRegExp(use.glob).linear ? null : "the glob needs the backtracking engine") : linearTimeProblem(use.regex, use.flags);
    if (why !== null) return messages.repoConfigSlowPattern(source, id, use.key, why);
  }
  return null;
}

/** Largest pushed config read; anything bigger is ignored (it is data from the pusher). */
const MAX_PUSHED_CONFIG = 64 * 1024;

/** Reads `.shipgate.yml` at each pushed branch tip through the change's batch reader. */
export async function readPushedConfigs(
  read: (spec: string) => Promise<Buffer | null>,
  tips: readonly { name: string; oid: string }[],
): Promise<PushedConfig[]> {
  const found: PushedConfig[] = [];
  for (const tip of tips) {
    for (const file of [".shipgate.yml", ".shipgate.yaml"]) {
      const content = await read(`${tip.oid}:${file}`);
      if (content === null) continue;
      const source = `${file} at ${tip.name}`;
      found.push({ source, text: content.length > MAX_PUSHED_CONFIG ? null : content.toString("utf8") });
      break;
    }
  }
  return found;
}
