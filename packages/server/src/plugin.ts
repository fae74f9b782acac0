/** How @shipgate/server plugs into shipgate: the `server:` section and the `shipgate server` command. */
import { definePlugin, importModule, type PluginImporter } from "@shipgate/core";
import { serverSection } from "./settings.js";

export const plugin = definePlugin({
  package: "@shipgate/server",
  sections: [serverSection],
  commands: {
    server: { summary: "install, remove or run the server hooks (pre-receive, post-receive) of bare repositories", load: () => import("./command.js") },
  },
});

/**
 * Resolves other plugin packages (migrations, deploy) from this package, where the server installs them; through
 * importModule because the hook runs from a V8 code cache (bin.js), where a script's own import() fails in Node 20.
 */
export const importPlugin: PluginImporter = (specifier) => importModule(specifier, import.meta.url);
