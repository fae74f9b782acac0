// Bundles the CLI's hot path (cli + @shipgate/core + @shipgate/client and their small pure-JS dependencies) into
// code-split ESM chunks (see scripts/esbuild-bundle.mjs at the repository root); the static analysis of migrations is
// the one exception, as a script (below).
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { bundle } from "../../../scripts/esbuild-bundle.mjs";

const here = fileURLToPath(new URL("..", import.meta.url));

/**
 * `shipgate migrations lint` spent ~10 ms of a 600-file run compiling the static analysis and libpg-query's glue, so
 * both are one CommonJS script instead, which `src/code-cache.ts` compiles through a V8 code cache that
 * `code-cache.mjs` writes here. The .wasm stays in libpg-query (a dependency of this package for that reason).
 */
async function bundleStaticAnalysis(outfile) {
  await build({
    entryPoints: [fileURLToPath(new URL("../../migrations/dist/static.js", import.meta.url))],
    outfile,
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    minifySyntax: true,
    minifyWhitespace: true,
    legalComments: "none",
    // pg-query.ts finds the .wasm through import.meta.url, which a CommonJS script has as __filename.
    define: { "import.meta.url": "__importMetaUrl" },
    banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    logLevel: "warning",
  });
  // --liftoff, V8's default, keeps the parser's WASM compile from setting flags around it (pg-query.ts), since V8
  // accepts a code cache only under the flags it was written with.
  const trained = spawnSync(process.execPath, ["--liftoff", `${here}/scripts/code-cache.mjs`, outfile], { stdio: "inherit" });
  if (trained.status !== 0) throw new Error(`writing the code cache of ${outfile} failed (${trained.status ?? trained.signal})`);
}

// The lint daemon and its worker threads are entries of their own, beside the CLI's, sharing its chunks.
const client = fileURLToPath(new URL("../../client/dist/daemon/", import.meta.url));
await bundle({ cli: `${here}/dist/cli.js`, "lint-daemon": `${client}lint-daemon.js`, "lint-worker": `${client}lint-worker.js` }, `${here}/dist/bundle`);
await bundleStaticAnalysis(`${here}/dist/bundle/migrations-static.cjs`);
