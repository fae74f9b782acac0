/** Resolves plugin packages (server, migrations, deploy) from this package, which depends on all of them. */
import type { PluginImporter } from "@shipgate/core";
import { importModule } from "@shipgate/core/import-module";

// Resolved from this package's files: importModule's `import()` lives in the bundle beside them (or the loader's).
export const importPlugin: PluginImporter = (specifier) => importModule(specifier, import.meta.url);
