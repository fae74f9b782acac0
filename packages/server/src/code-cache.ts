/**
 * Runs the hook's bundled script (dist/bundle/hook.cjs) through the V8 code cache that `pnpm build` writes beside it
 * (scripts/code-cache.mjs): a push then waits neither for node to compile the checker nor for the ES module loader to
 * link its chunks. Imports next to nothing, as bin.js loads it before anything.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { Script } from "node:vm";
import { enableLinearRegExps } from "@shipgate/core/regexp-engine";

export interface CachedScript<T> {
  exports: T;
  /** Whether V8 took `<file>.cache` (for the `shipgate:code-cache` debug line). */
  cache: "accepted" | "rejected" | "none";
  /** The code cache of everything compiled so far, for the build to write. */
  createCachedData: () => Buffer;
}

type Body = (exports: unknown, require: NodeJS.Require, module: { exports: unknown }, filename: string, dir: string, load: Importer) => void;
type Importer = (specifier: string) => Promise<unknown>;

/**
 * Runs `file` as a CommonJS module, from `<file>.cache` when `cached`. V8 takes a cache only for the same V8, flags and
 * source text and otherwise compiles the source, so a stale or missing cache costs time, never correctness; the
 * regular-expression flags every shipgate process sets are set first, as they were when the cache was written. Node
 * 20 refuses `import()` in code from a cache: the script gets this module's (core's import-module.ts uses it).
 */
export function runCachedScript<T>(file: string, cached = true): CachedScript<T> {
  enableLinearRegExps();
  const source = readFileSync(file, "utf8");
  const cachedData = cached ? readCache(`${file}.cache`) : undefined;
  const wrapped = `(function (exports, require, module, __filename, __dirname, __shipgateImport) {${source}\n})`;
  const script = new Script(wrapped, { filename: file, ...(cachedData === undefined ? {} : { cachedData }) });
  const module = { exports: {} as T };
  (script.runInThisContext() as Body)(module.exports, createRequire(file), module, file, dirname(file), (specifier) => import(specifier));
  const cache = cachedData === undefined ? "none" : script.cachedDataRejected === true ? "rejected" : "accepted";
  return { exports: module.exports, cache, createCachedData: () => script.createCachedData() };
}

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined; // compiled from the source
  }
}
