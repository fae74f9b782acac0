// Bundles the server's hook entry (bin.js → dist/bundle): a push waits for the hook's start-up, so it loads as few
// files as the CLI does (see scripts/esbuild-bundle.mjs at the repository root).
import { fileURLToPath } from "node:url";
import { bundle } from "../../../scripts/esbuild-bundle.mjs";

const here = fileURLToPath(new URL("..", import.meta.url));
await bundle(`${here}/dist/bin.js`, `${here}/dist/bundle`);
