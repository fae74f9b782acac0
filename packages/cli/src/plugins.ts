/** Resolves plugin packages (server, migrations, deploy) from this package, which depends on all of them. */
import type { PluginImporter } from "@shipgate/core";

export const importPlugin: PluginImporter = (specifier) => import(specifier);
