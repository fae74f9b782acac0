#!/usr/bin/env node
// shipgate's executable: loads the bundled CLI (built by `pnpm install` through the prepare script).
import { flushOutput, main } from "./dist/bundle/cli.js";

const code = await main(process.argv.slice(2));
// Exit as soon as the command is done instead of draining the event loop: a hook that has applied fixes keeps a
// Ctrl-C undo armed until this moment, and Node's teardown would otherwise leave a window without it. The CLI writes
// its output synchronously, except to a descriptor another process made non-blocking, where Node's stream queues what
// the reader has not taken yet: wait for that first (the undo stays armed meanwhile), or `shipgate ... --format json |
// jq` could read a truncated report.
await flushOutput();
process.exit(code);
