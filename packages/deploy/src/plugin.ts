/** How @shipgate/deploy plugs into shipgate: its config section and its commands. */
import { definePlugin } from "@shipgate/core";
import { deploySection } from "./settings.js";

export const plugin = definePlugin({
  package: "@shipgate/deploy",
  sections: [deploySection],
  commands: {},
});
