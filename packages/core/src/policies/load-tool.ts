/** Loads a tool (eslint, prettier) from the repository being checked, so its own version and config apply. */
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { importModule } from "../import-module.js";

const cache = new Map<string, Promise<unknown>>();

/** Where `name` is installed for `fromDir` (walking up like Node does), or null when it is not; nothing is loaded. */
export function resolveFromProject(name: string, fromDir: string): string | null {
  try {
    return createRequire(join(fromDir, "noop.js")).resolve(name);
  } catch {
    return null;
  }
}

/** The module of `name` as installed for `fromDir` (walking up like Node does), or null when it is not installed. */
export async function loadFromProject<T>(name: string, fromDir: string): Promise<T | null> {
  const resolved = resolveFromProject(name, fromDir);
  if (resolved === null) return null;
  let pending = cache.get(resolved);
  if (!pending) {
    pending = importModule(pathToFileURL(resolved).href);
    cache.set(resolved, pending);
  }
  // A CommonJS entry imported from ESM exposes its API on `default`; merge so named members are always there.
  const namespace = (await pending) as Record<string, unknown>;
  const fallback = namespace["default"];
  return (fallback !== null && typeof fallback === "object" ? { ...fallback, ...namespace } : namespace) as T;
}

/** The nearest directory at or above `start` (not above `root`) containing one of `names`. */
export function findUp(start: string, root: string, names: readonly string[]): string | null {
  let dir = start;
  for (;;) {
    if (names.some((name) => existsSync(join(dir, name)))) return dir;
    if (dir === root || dirname(dir) === dir) return null;
    dir = dirname(dir);
  }
}
