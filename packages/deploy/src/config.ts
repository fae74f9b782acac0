/**
 * Where deploy settings come from. On a server, only the trusted config recorded at install (never pushed content:
 * a pushed file naming commands would be code execution on the server for anyone who can push). From a checkout or a
 * CI job, the repository's `.shipgate.yml`. The post-receive trigger reads them through a cache in the git dir, so a
 * push pays for YAML parsing and validation only after the config file changed.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { ConfigError, UsageError } from "@shipgate/core/errors";
import type { DeploySettings, EnvironmentSettings } from "./settings.js";
import { messages } from "./messages.js";

/** Bumped when the settings' shape or defaults change, so a cache written by an older version is never used. */
const CACHE_VERSION = 1;

interface CacheEntry {
  version: number;
  key: string;
  settings: DeploySettings;
}

/**
 * The validated `deploy:` section of `file`; with `cacheDir` (a git dir), cached there until the file changes.
 * TODO(lead): once core validates plugin sections, the miss path becomes
 * `readSection(loadConfig(file, [plugin]).config, deploySection)`, so the rest of the file is validated too.
 */
export async function loadDeploySettings(file: string, cacheDir: string | null = null): Promise<DeploySettings> {
  const path = resolve(file);
  const key = fileKey(path);
  const cachePath = cacheDir === null ? null : join(cacheDir, "shipgate", "deploy-settings.json");
  if (cachePath !== null) {
    try {
      const entry = JSON.parse(readFileSync(cachePath, "utf8")) as CacheEntry;
      if (entry.version === CACHE_VERSION && entry.key === key) return entry.settings;
    } catch {
      // no cache yet, or unreadable: load normally
    }
  }
  const settings = await parseDeploySection(path);
  if (cachePath !== null) writeCache(cachePath, { version: CACHE_VERSION, key, settings });
  return settings;
}

/** The settings of one environment, or a usage error that lists the environments there are. */
export function environmentOf(settings: DeploySettings, name: string, source: string): EnvironmentSettings {
  const env = Object.hasOwn(settings.environments, name) ? settings.environments[name] : undefined;
  if (env === undefined) throw new UsageError(messages.unknownEnv(name, Object.keys(settings.environments), source), { hint: messages.unknownEnvHint });
  return env;
}

/** Resolves the audit log path: relative paths are relative to the git dir. */
export function auditLogPath(settings: DeploySettings, gitDir: string): string {
  return isAbsolute(settings.auditLog) ? settings.auditLog : join(gitDir, settings.auditLog);
}

async function parseDeploySection(path: string): Promise<DeploySettings> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(messages.configUnreadable(path, (error as Error).message), { hint: messages.configUnreadableHint });
  }
  const { parseDocument } = await import("yaml");
  const doc = parseDocument(text, { schema: "core", merge: false, uniqueKeys: true, prettyErrors: false });
  const problem = doc.errors[0];
  if (problem !== undefined) throw new ConfigError(`${path}: invalid YAML: ${problem.message.split("\n")[0] ?? ""}`, { hint: messages.configHint });
  const data: unknown = doc.toJS({ maxAliasCount: 50 });
  const section = data !== null && typeof data === "object" ? (data as Record<string, unknown>)["deploy"] : undefined;
  const v = await import("valibot");
  const { DeploySection } = await import("./settings.js");
  const result = v.safeParse(DeploySection, section ?? {});
  if (result.success) return result.output;
  const { formatIssues } = await import("@shipgate/core");
  const issues = formatIssues(result.issues).map((issue) => `deploy.${issue}`);
  throw new ConfigError(`${path} is not a valid shipgate config: ${issues[0] ?? "invalid deploy: section"}`, { issues, hint: messages.configHint });
}

/** Size, mtime and inode: an edit (or a replacement by rename) of the file misses the cache. */
function fileKey(path: string): string {
  try {
    const st = statSync(path);
    return `${path}:${st.size}:${st.mtimeMs}:${st.ino}`;
  } catch (error) {
    throw new ConfigError(messages.configUnreadable(path, (error as Error).message), { hint: messages.configUnreadableHint });
  }
}

function writeCache(cachePath: string, entry: CacheEntry): void {
  try {
    mkdirSync(join(cachePath, ".."), { recursive: true });
    const temp = `${cachePath}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(entry));
    renameSync(temp, cachePath);
  } catch {
    // a read-only git dir only costs speed
  }
}
