#!/usr/bin/env node
// The entry server hooks exec: `node bin.js pre-receive --config FILE [--chain FILE] [--flavor NAME]`.
// It loads the bundled hook (built by `pnpm build`) and exits explicitly so a timed-out check never keeps the push
// waiting on leftover git processes.
import { hookMain } from "./dist/bundle/bin.js";

process.exit(await hookMain(process.argv.slice(2)));
