/**
 * `import()` of modules outside the CLI's bundle: plugin packages, the repository's eslint and prettier. The CLI runs
 * as a script compiled through a V8 code cache (cli/src/code-cache.ts), and in Node 20 a script's `import()` fails
 * once its code comes from a cache; the loader then hands in `__shipgateImport`, an `import()` of an ES module's own.
 */
declare const __shipgateImport: ((specifier: string) => Promise<unknown>) | undefined;

export function importModule<T>(specifier: string): Promise<T> {
  return (typeof __shipgateImport === "function" ? __shipgateImport(specifier) : import(specifier)) as Promise<T>;
}
