/**
 * Runs the bundle's CommonJS scripts (the CLI itself, the static analysis of migrations) through the V8 code cache
 * that `pnpm build` writes beside each of them. bin.cjs loads this module before anything: it imports next to nothing.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname } from "node:path";
import { Script } from "node:vm";
import { importModule } from "@shipgate/core/import-module";
import { enableLinearRegExps } from "@shipgate/core/regexp-engine";

/**
 * Runs `file` as a CommonJS module and returns its exports, or null when there is no such file (running from the
 * sources). V8 accepts `<file>.cache` only for the same V8, flags and source text, and otherwise compiles the source
 * as if there were no cache, so a stale or missing cache only costs time; `compileScript` sets shipgate's flags first.
 */
export function requireCached(file: string, debug?: (line: string) => void): unknown {
  let source: string;
  try {
    source = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(`${file}.cache`);
  } catch {
    cachedData = undefined; // the script still runs, compiled from its source
  }
  const script = compileScript(file, source, cachedData);
  debug?.(`${basename(file)}: ${cachedData === undefined ? "no cache" : script.cachedDataRejected === true ? "cache rejected" : "cache accepted"}`);
  return runScript(script, file);
}

/**
 * Compiles `source` wrapped as Node wraps a CommonJS module, plus `__shipgateImport` (core's import-module.ts): code
 * from a cache cannot run `import()` in Node 20. The build compiles the same text to write the cache.
 */
export function compileScript(file: string, source: string, cachedData?: Buffer): Script {
  // The flags every shipgate process sets sooner or later, set before compiling: V8 takes a cache only under the flags
  // it was written with.
  enableLinearRegExps();
  const wrapped = `(function (exports, require, module, __filename, __dirname, __shipgateImport) {${source}\n})`;
  return new Script(wrapped, { filename: file, ...(cachedData === undefined ? {} : { cachedData }) });
}

type Importer = (specifier: string) => Promise<unknown>;

/** Runs a script from `compileScript` and returns its `module.exports`. */
export function runScript(script: Script, file: string): unknown {
  const module = { exports: {} as unknown };
  type Body = (exports: unknown, require: NodeJS.Require, module: { exports: unknown }, filename: string, dir: string, load: Importer) => void;
  const body = script.runInThisContext() as Body;
  body(module.exports, createRequire(file), module, file, dirname(file), (specifier) => importModule(specifier, file));
  return module.exports;
}
