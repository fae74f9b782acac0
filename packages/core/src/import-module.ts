/**
 * `import()` of modules outside the CLI's bundle: plugin packages, the repository's eslint and prettier. The CLI runs
 * as a script compiled through a V8 code cache (cli/src/code-cache.ts), and in Node 20 a script's `import()` fails
 * once its code comes from a cache; the loader then hands in `__shipgateImport`, an `import()` of an ES module's own,
 * which resolves from the CLI's package. Elsewhere (the packages' own ES modules, tests), a bare specifier resolves
 * from `parent`, the caller's `import.meta.url`, as the caller's own `import()` would.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

declare const __shipgateImport: ((specifier: string) => Promise<unknown>) | undefined;

export function importModule<T>(specifier: string, parent?: string): Promise<T> {
  if (typeof __shipgateImport === "function") return __shipgateImport(specifier) as Promise<T>;
  return import(resolved(specifier, parent)) as Promise<T>;
}

/** A bare specifier resolved from `parent`, as a file URL; anything else as it is. */
function resolved(specifier: string, parent: string | undefined): string {
  if (parent === undefined || /^(?:[a-z][a-z0-9+.-]*:|\.{0,2}\/)/i.test(specifier)) return specifier;
  return pathToFileURL(createRequire(parent).resolve(specifier)).href;
}
