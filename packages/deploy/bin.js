#!/usr/bin/env node
// `shipgate-deploy post-receive --config FILE` (what the post-receive hook execs) and
// `shipgate-deploy worker [--once] [--git-dir DIR] [--config FILE]` (what the trigger starts, detached).
// Each loads only its own module, so the push pays for the trigger alone.
const [command, ...rest] = process.argv.slice(2);
if (command === "post-receive") {
  const { postReceiveMain } = await import("./dist/hook.js");
  process.exit(await postReceiveMain(rest));
} else if (command === "worker") {
  const { workerMain } = await import("./dist/worker-main.js");
  process.exit(await workerMain(rest));
} else {
  process.stderr.write("usage: shipgate-deploy post-receive --config FILE | worker [--once] [--git-dir DIR] [--config FILE]\n");
  process.exit(2);
}
