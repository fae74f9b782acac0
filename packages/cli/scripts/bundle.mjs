// Bundles the CLI (cli + @shipgate/core + @shipgate/client and their small pure-JS dependencies) into one script run
// through a V8 code cache, and the lint daemon's entries into ESM chunks (see scripts/esbuild-bundle.mjs at the
// repository root); the static analysis of migrations is a script of its own (below).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { bundle, bundleScript } from "../../../scripts/esbuild-bundle.mjs";

const here = fileURLToPath(new URL("..", import.meta.url));

/**
 * `shipgate migrations lint` spent ~10 ms of a 600-file run compiling the static analysis and libpg-query's glue, so
 * both are one CommonJS script instead, which `src/code-cache.ts` compiles through a V8 code cache that
 * `code-cache.mjs` writes here. The .wasm stays in libpg-query (a dependency of this package for that reason).
 */
async function bundleStaticAnalysis(outfile) {
  // pg-query.ts finds the .wasm through import.meta.url, which the script has as its own file's URL.
  await bundleScript(fileURLToPath(new URL("../../migrations/dist/static.js", import.meta.url)), outfile, { all: true });
  // --liftoff, V8's default, keeps the parser's WASM compile from setting flags around it (pg-query.ts), since V8
  // accepts a code cache only under the flags it was written with.
  const trained = spawnSync(process.execPath, ["--liftoff", `${here}/scripts/code-cache.mjs`, outfile], { stdio: "inherit" });
  if (trained.status !== 0) throw new Error(`writing the code cache of ${outfile} failed (${trained.status ?? trained.signal})`);
}

/**
 * The CLI is one CommonJS script that bin.cjs compiles through its V8 code cache (`code-cache-cli.mjs` writes it): a
 * hook's start then skips compiling what every commit runs. bin.cjs requires the loader (code-cache.cjs) first. The lint
 * daemon and its worker threads, which start once and stay, are ES modules with shared chunks.
 */
async function bundleCli(outfile) {
  await bundleScript(`${here}/dist/cli.js`, outfile);
  // The one `import()` left must be core's import-module.ts fallback: any other would fail once run from the cache.
  const imports = readFileSync(outfile, "utf8").match(/[^\w$.]import\(/g) ?? [];
  if (imports.length !== 1) throw new Error(`${outfile} has ${imports.length} import() calls; use importModule (core's import-module.ts)`);
  const trained = spawnSync(process.execPath, [`${here}/scripts/code-cache-cli.mjs`, outfile], { stdio: "inherit" });
  if (trained.status !== 0) throw new Error(`writing the code cache of ${outfile} failed (${trained.status ?? trained.signal})`);
}

const client = fileURLToPath(new URL("../../client/dist/daemon/", import.meta.url));
await bundle({ "lint-daemon": `${client}lint-daemon.js`, "lint-worker": `${client}lint-worker.js` }, `${here}/dist/bundle`);
await bundleScript(`${here}/dist/code-cache.js`, `${here}/dist/bundle/code-cache.cjs`);
await bundleCli(`${here}/dist/bundle/cli.cjs`);
await bundleStaticAnalysis(`${here}/dist/bundle/migrations-static.cjs`);
