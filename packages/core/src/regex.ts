/** Regular expressions from config: compiled once, with errors that name the key. */
import { ConfigError } from "./errors.js";

const cache = new Map<string, RegExp>();

export function safeRegExp(source: string, key: string, flags = ""): RegExp {
  const cacheKey = `${flags}/${source}`;
  const hit = cache.get(cacheKey);
  if (hit) return hit;
  try {
    const compiled = new RegExp(source, flags);
    cache.set(cacheKey, compiled);
    return compiled;
  } catch (error) {
    throw new ConfigError(`${key}: invalid regular expression: ${(error as Error).message}`, {
      hint: "Fix the pattern; it is a JavaScript regular expression.",
    });
  }
}

/** Whether `source` compiles as a JavaScript regular expression (for schema checks that report, not throw). */
export function isValidRegExp(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}
