// Bundles the server's hook entry (dist/bin.js → dist/bundle/hook.cjs): a push waits for the hook's start-up, so it is
// one CommonJS script, as the CLI is (see scripts/esbuild-bundle.mjs at the repository root), that bin.js runs through
// the V8 code cache code-cache.mjs writes beside it.
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { bundleScript } from "../../../scripts/esbuild-bundle.mjs";

const here = fileURLToPath(new URL("..", import.meta.url));
const outfile = `${here}/dist/bundle/hook.cjs`;
rmSync(`${here}/dist/bundle`, { recursive: true, force: true });
await bundleScript(`${here}/dist/bin.js`, outfile);
// The one `import()` left must be core's import-module.ts fallback: any other would fail once run from the cache.
const imports = readFileSync(outfile, "utf8").match(/[^\w$.]import\(/g) ?? [];
if (imports.length !== 1) throw new Error(`${outfile} has ${imports.length} import() calls; use importModule (core's import-module.ts)`);
const trained = spawnSync(process.execPath, [`${here}/scripts/code-cache.mjs`, outfile], { stdio: "inherit" });
if (trained.status !== 0) throw new Error(`writing the code cache of ${outfile} failed (${trained.status ?? trained.signal})`);
