/** Runs the bundle's CommonJS scripts through the V8 code cache that `pnpm build` writes beside each of them. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname } from "node:path";
import { Script } from "node:vm";
import { createDebug } from "@shipgate/core/debug";

const debug = createDebug("shipgate:code-cache");

/**
 * Runs `file` as a CommonJS module and returns its exports, or null when there is no such file (running from the
 * sources). Call it before changing V8 flags: V8 accepts `<file>.cache` only for the same V8, flags and source text,
 * and otherwise compiles the source as if there were no cache, so a stale or missing cache only costs time.
 */
export function requireCached(file: string): unknown {
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
  debug(`${basename(file)}: ${cachedData === undefined ? "no cache" : script.cachedDataRejected === true ? "cache rejected" : "cache accepted"}`);
  return runScript(script, file);
}

/** Compiles `source` wrapped as Node wraps a CommonJS module; the build compiles the same text to write the cache. */
export function compileScript(file: string, source: string, cachedData?: Buffer): Script {
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  return new Script(wrapped, { filename: file, ...(cachedData === undefined ? {} : { cachedData }) });
}

/** Runs a script from `compileScript` and returns its `module.exports`. */
export function runScript(script: Script, file: string): unknown {
  const module = { exports: {} as unknown };
  const body = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: { exports: unknown }, filename: string, dir: string) => void;
  body(module.exports, createRequire(file), module, file, dirname(file));
  return module.exports;
}
