/** How @shipgate/deploy plugs into shipgate: its config section and its commands. */
import { definePlugin } from "@shipgate/core";
import { deploySection } from "./settings.js";

export const plugin = definePlugin({
  package: "@shipgate/deploy",
  sections: [deploySection],
  commands: {
    deploy: { summary: "deploy a tag to an environment, verify it, put the last good release back if it fails", load: () => import("./commands/deploy.js") },
    rollback: { summary: "put the last good release (or --to <tag>) back in an environment", load: () => import("./commands/rollback.js") },
    status: { summary: "what serves an environment, what is good, bad, frozen, running, queued (--follow)", load: () => import("./commands/status.js") },
    history: { summary: "every deploy of an environment, newest first, with its verdict and timings", load: () => import("./commands/history.js") },
    worker: { summary: "run the queued deploys (the post-receive hook starts one with --once)", load: () => import("./commands/worker.js") },
    unfreeze: { summary: "let automatic deploys run again in a frozen environment (--reason required)", load: () => import("./commands/unfreeze.js") },
  },
});
