#!/usr/bin/env node
// shipgate's executable: runs the bundled CLI (built by `pnpm install` through the prepare script) from the V8 code
// cache the build wrote beside it (src/code-cache.ts). CommonJS, so that Node starts it without its ES module loader:
// a hook pays for every millisecond of start-up.
"use strict";
const { join } = require("node:path");
const { requireCached } = require("./dist/bundle/code-cache.cjs");

let cache = "";
const cli = requireCached(join(__dirname, "dist", "bundle", "cli.cjs"), (line) => (cache = line));
if (cli === null) throw new Error("shipgate is not built: dist/bundle/cli.cjs is missing (pnpm build writes it)");
cli.createDebug("shipgate:code-cache")(cache);
void cli.main(process.argv.slice(2)).then(async (code) => {
  // Exit as soon as the command is done instead of draining the event loop: a hook that has applied fixes keeps a
  // Ctrl-C undo armed until this moment, and Node's teardown would otherwise leave a window without it. The CLI writes
  // its output synchronously, except to a descriptor another process made non-blocking, where Node's stream queues
  // what the reader has not taken yet: wait for that first (the undo stays armed meanwhile), or `shipgate ... --format
  // json | jq` could read a truncated report.
  await cli.flushOutput();
  process.exit(code);
});
