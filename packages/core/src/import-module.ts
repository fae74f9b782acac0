/**
 * `import()` of modules outside the CLI's bundle: plugin packages, the repository's eslint and prettier. The CLI runs
 * as a script compiled through a V8 code cache (cli/src/code-cache.ts), and in Node 20 a script's `import()` fails
 * once its code comes from a cache; the loader then hands in `__shipgateImport`, an `import()` of an ES module's own.
 * Outside the loader, `from` (the importing module's URL) resolves the specifier from that package, not from core's:
 * core does not depend on the plugins it loads for the CLI.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

declare const __shipgateImport: ((specifier: string) => Promise<unknown>) | undefined;

export function importModule<T>(specifier: string, from?: string): Promise<T> {
  if (typeof __shipgateImport === "function") return __shipgateImport(specifier) as Promise<T>;
  // Only a bare package name is resolved from `from`; a URL or a path names its file already.
  const bare = !/^(?:[a-z][a-z0-9+.-]*:|\/|\.)/i.test(specifier);
  const target = from === undefined || !bare ? specifier : pathToFileURL(createRequire(from).resolve(specifier)).href;
  return import(target) as Promise<T>;
}
