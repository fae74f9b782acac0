#!/usr/bin/env node
// The entry server hooks exec: `node bin.js pre-receive --config FILE [--chain FILE] [--flavor NAME]`.
// It loads the bundled hook (built by `pnpm build`) and exits explicitly so a timed-out check never keeps the push
// waiting on leftover git processes.
import { hookMain } from "./dist/bundle/bin.js";

// The hook script set NODE_EXTRA_CA_CERTS aside so that node starts without reading certificates (templates.ts):
// git and a chained hook get it back.
const saved = process.env.SHIPGATE_NODE_EXTRA_CA_CERTS;
if (saved !== undefined) {
  process.env.NODE_EXTRA_CA_CERTS = saved;
  delete process.env.SHIPGATE_NODE_EXTRA_CA_CERTS;
}

process.exit(await hookMain(process.argv.slice(2)));
