// Bundles the CLI's hot path (cli + @shipgate/core + @shipgate/client and their small pure-JS dependencies), and the
// server's pre-receive entry the same way, into code-split ESM chunks: a hook loads a few files instead of ~60
// modules. Everything else (server, migrations except its static entry below, eslint, prettier, WASM packages) stays
// an ordinary import so it resolves its own dependencies.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { rmSync } from "node:fs";

const here = fileURLToPath(new URL("..", import.meta.url));
const BUNDLED = new Set(["@shipgate/core", "@shipgate/client", "valibot", "yaml", "picomatch", "conventional-commits-parser", "@simple-libs/stream-utils"]);
// `shipgate migrations lint` runs only the static analysis of @shipgate/migrations, so that entry is bundled too; its
// WASM parser, libpg-query, stays an ordinary import, which is why it is a dependency of this package.
const BUNDLED_SUBPATHS = new Set(["@shipgate/migrations/static"]);

const keepExternal = {
  name: "keep-external",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("node:")) return { external: true };
      if (BUNDLED_SUBPATHS.has(args.path)) return undefined;
      const name = args.path.startsWith("@") ? args.path.split("/").slice(0, 2).join("/") : args.path.split("/")[0];
      return BUNDLED.has(name) ? undefined : { external: true };
    });
  },
};

/** One esbuild run: `entry` and what it imports from BUNDLED become code-split ESM chunks in `outdir`. */
async function bundle(entry, outdir) {
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: [entry],
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

await bundle(`${here}/dist/cli.js`, `${here}/dist/bundle`);
// The server's pre-receive entry: a push waits for the hook's start-up, so it loads as few files as the CLI does.
const server = fileURLToPath(new URL("../../server", import.meta.url));
await bundle(`${server}/dist/bin.js`, `${server}/dist/bundle`);
