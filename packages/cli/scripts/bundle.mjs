// Bundles the CLI's hot path (cli + @shipgate/core + @shipgate/client and their small pure-JS dependencies) into
// code-split ESM chunks: a hook loads a few files instead of ~60 modules. Everything else (server, migrations,
// eslint, prettier, WASM packages) stays an ordinary import so it resolves its own dependencies.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { rmSync } from "node:fs";

const here = fileURLToPath(new URL("..", import.meta.url));
const BUNDLED = new Set(["@shipgate/core", "@shipgate/client", "valibot", "yaml", "picomatch", "conventional-commits-parser", "@simple-libs/stream-utils"]);

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

rmSync(`${here}/dist/bundle`, { recursive: true, force: true });
await build({
  entryPoints: [`${here}/dist/cli.js`],
  outdir: `${here}/dist/bundle`,
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
