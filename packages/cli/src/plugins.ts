/** Resolves plugin packages (server, migrations, deploy) from this package, which depends on all of them. */
import type { PluginImporter } from "@shipgate/core";
import { importModule } from "@shipgate/core/import-module";

export const importPlugin: PluginImporter = (specifier) => importModule(specifier, import.meta.url);
