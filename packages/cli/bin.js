#!/usr/bin/env node
// shipgate's executable: loads the bundled CLI (built by `pnpm install` through the prepare script).
import { main } from "./dist/bundle/cli.js";

const code = await main(process.argv.slice(2));
// Exit as soon as the command is done instead of draining the event loop: a hook that has applied fixes keeps a
// Ctrl-C undo armed until this moment, and Node's teardown would otherwise leave a window without it. Writes to files
// and terminals are synchronous, but a pipe takes only 64 KiB at once and Node queues the rest: wait for that to be
// written first (the undo stays armed meanwhile), or `shipgate ... --format json | jq` would read a truncated report.
await Promise.all([process.stdout, process.stderr].map(flushed));
process.exit(code);

/** Resolves once everything written to `stream` has been handed to the OS (or the stream failed or closed). */
function flushed(stream) {
  if (stream.writableLength === 0) return undefined;
  return new Promise((resolve) => {
    stream.once("drain", resolve);
    stream.once("error", resolve);
    stream.once("close", resolve);
  });
}
