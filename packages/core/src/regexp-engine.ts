/**
 * V8's linear-time regular expression engine, which config patterns run on (regex.ts). Its flags change V8's flag
 * hash, which a code cache must match: the CLI sets them before it compiles its bundle from the cache, and the build
 * before it writes that cache (cli's code-cache.ts), so the two agree. Imports nothing but node:v8.
 */
import { setFlagsFromString } from "node:v8";

let engineOn = false;

/** Lets this process compile patterns with the `l` flag and fall back to that engine on excessive backtracking. */
export function enableLinearRegExps(): void {
  if (engineOn) return;
  setFlagsFromString("--enable-experimental-regexp-engine");
  setFlagsFromString("--enable-experimental-regexp-engine-on-excessive-backtracks");
  engineOn = true;
}
