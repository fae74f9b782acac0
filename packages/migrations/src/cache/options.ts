/**
 * Where the caches of a repository live and how much they may hold: under the git dir shared by all worktrees
 * (`<git common dir>/shipgate/cache/`), never in the work tree. `SHIPGATE_CACHE=off` turns every cache off,
 * `SHIPGATE_CACHE_MAX_MB` bounds the schema cache (default 512 MB; the parse cache keeps a sixteenth of that) and
 * `SHIPGATE_CACHE_MAX_TEMPLATES` the template databases kept on a PostgreSQL server (default 8).
 */
import { join } from "node:path";
import { findCommonGitDir } from "./git-dir.js";
import { openParseCache } from "./parse-cache.js";

export interface CacheOptions {
  /** The directory of this repository's caches. */
  dir: string;
  /** The most the files of the schema cache may take together; the least recently used go first. */
  maxBytes: number;
  /** The most template databases one PostgreSQL server keeps for the gate; the least recently used go first. */
  maxTemplates: number;
}

export const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;
/** The parse cache's share of the bound: it is read whole by every lint, so it stays small. */
export const PARSE_SHARE = 1 / 16;
export const DEFAULT_MAX_TEMPLATES = 8;

/** The caches of the repository whose common git dir is `commonDir`, or null when the environment turns them off. */
export function cacheOptions(commonDir: string, env: NodeJS.ProcessEnv = process.env): CacheOptions | null {
  const switched = (env["SHIPGATE_CACHE"] ?? "").toLowerCase();
  if (switched === "off" || switched === "0" || switched === "false") return null;
  const mb = positive(env["SHIPGATE_CACHE_MAX_MB"]);
  const templates = positive(env["SHIPGATE_CACHE_MAX_TEMPLATES"]);
  return {
    dir: join(commonDir, "shipgate", "cache"),
    maxBytes: mb === null ? DEFAULT_MAX_BYTES : Math.round(mb * 1024 * 1024),
    maxTemplates: templates === null ? DEFAULT_MAX_TEMPLATES : Math.max(1, Math.floor(templates)),
  };
}

/** The caches of the repository around `cwd`, found without running git (see git-dir.ts); null outside one or when off. */
export function cacheOptionsAt(cwd: string, env: NodeJS.ProcessEnv = process.env): CacheOptions | null {
  const commonDir = findCommonGitDir(cwd, env);
  return commonDir === null ? null : cacheOptions(commonDir, env);
}

/** Opens the parse cache (cache/parse-cache.ts) of these options; returns how many entries it holds. */
export function openParseCacheOf(options: CacheOptions | null): number {
  return openParseCache(options === null ? null : options.dir, options === null ? 0 : Math.round(options.maxBytes * PARSE_SHARE));
}

/** A positive number from the environment, or null (unset or not a positive number: the default applies). */
function positive(value: string | undefined): number | null {
  const n = Number(value);
  return value !== undefined && value !== "" && Number.isFinite(n) && n > 0 ? n : null;
}
