#!/usr/bin/env node
// The entry server hooks exec: `node bin.js pre-receive --config FILE [--chain FILE] [--flavor NAME]`.
// It runs the bundled hook (built by `pnpm build`) through its V8 code cache (src/code-cache.ts) and exits explicitly
// so a timed-out check never keeps the push waiting on leftover git processes.
import { fileURLToPath } from "node:url";
import { runCachedScript } from "./dist/code-cache.js";

// The hook script set NODE_EXTRA_CA_CERTS aside so that node starts without reading certificates (templates.ts):
// git and a chained hook get it back.
const saved = process.env.SHIPGATE_NODE_EXTRA_CA_CERTS;
if (saved !== undefined) {
  process.env.NODE_EXTRA_CA_CERTS = saved;
  delete process.env.SHIPGATE_NODE_EXTRA_CA_CERTS;
}

const hook = runCachedScript(fileURLToPath(new URL("./dist/bundle/hook.cjs", import.meta.url)));
hook.exports.createDebug("shipgate:code-cache")(`hook.cjs: cache ${hook.cache}`);
process.exit(await hook.exports.hookMain(process.argv.slice(2)));
