// The one esbuild setup both hook entry points use (the CLI's, the server's pre-receive): an entry and what it imports
// from BUNDLED become code-split ESM chunks, so a hook loads a few files instead of ~60 modules. Everything else
// (plugin packages, eslint, prettier, WASM packages) stays an ordinary import so it resolves its own dependencies.
import { build } from "esbuild";
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";

const BUNDLED = new Set(["@shipgate/core", "@shipgate/client", "valibot", "yaml", "picomatch"]);

export const keepExternal = {
  name: "keep-external",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("node:")) return { external: true };
      const name = args.path.startsWith("@") ? args.path.split("/").slice(0, 2).join("/") : args.path.split("/")[0];
      return BUNDLED.has(name) ? undefined : { external: true };
    });
  },
};

/** One esbuild run: `entry` (a path, or names to paths) and what it imports from BUNDLED become code-split ESM chunks in `outdir`. */
export async function bundle(entry, outdir) {
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: typeof entry === "string" ? [entry] : entry,
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    minifySyntax: true,
    minifyWhitespace: true,
    legalComments: "none",
    plugins: [keepExternal],
    banner: { js: "import { createRequire as __shipgateRequire } from 'node:module'; const require = __shipgateRequire(import.meta.url);" },
    logLevel: "warning",
  });
}

/**
 * YAML is read only when a config is not in its cache: in a script, its ~165 KB are kept behind functions that load it
 * on first call, so a hook neither runs nor caches its code. The names are those shipgate imports (esbuild fails the
 * build on any other).
 */
const lazyYaml = {
  name: "lazy-yaml",
  setup(b) {
    b.onResolve({ filter: /^yaml$/ }, (args) => (args.namespace === "lazy" ? undefined : { path: "yaml", namespace: "lazy" }));
    b.onLoad({ filter: /.*/, namespace: "lazy" }, () => ({
      resolveDir: dirname(createRequire(import.meta.url).resolve("@shipgate/core/package.json")),
      contents: [
        "let yaml = null;",
        'const load = () => (yaml ??= require("yaml"));',
        "export function parseDocument(...args) { return load().parseDocument(...args); }",
        "export function LineCounter(...args) { return new (load().LineCounter)(...args); }",
      ].join("\n"),
    }));
  },
};

/**
 * `entry` and what it imports from BUNDLED (with `all`, everything it imports) as one CommonJS script, for the CLI's
 * src/code-cache.ts to compile through a V8 code cache (a code cache needs a script, not ES modules).
 * `import.meta.url` becomes the script's own file URL (a module that finds its files through it still does).
 */
export async function bundleScript(entry, outfile, { all = false } = {}) {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    minifySyntax: true,
    minifyWhitespace: true,
    legalComments: "none",
    plugins: all ? [] : [lazyYaml, keepExternal],
    define: { "import.meta.url": "__importMetaUrl" },
    banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    logLevel: "warning",
  });
}
