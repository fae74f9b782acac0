#!/usr/bin/env node
// shipgate's executable: loads the bundled CLI (built by `pnpm install` through the prepare script).
import { main } from "./dist/bundle/cli.js";

// Exit as soon as the command is done instead of draining the event loop: a hook that has applied fixes keeps a
// Ctrl-C undo armed until this moment, and Node's teardown would otherwise leave a window without it. Writes to
// stdout/stderr are synchronous on Linux for pipes, files and terminals, so no output is lost.
process.exit(await main(process.argv.slice(2)));
