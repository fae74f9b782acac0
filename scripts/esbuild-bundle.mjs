// The one esbuild setup both hook entry points use (the CLI's, the server's pre-receive): an entry and what it imports
// from BUNDLED become code-split ESM chunks, so a hook loads a few files instead of ~60 modules. Everything else
// (plugin packages, eslint, prettier, WASM packages) stays an ordinary import so it resolves its own dependencies.
import { build } from "esbuild";
import { rmSync } from "node:fs";

const BUNDLED = new Set(["@shipgate/core", "@shipgate/client", "valibot", "yaml", "picomatch"]);

const keepExternal = {
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
