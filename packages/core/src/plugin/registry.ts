/** Loads plugins by package name through an importer that resolves from the calling package (its dependencies). */
import { ConfigError } from "../errors.js";
import { messages } from "../messages.js";
import type { Plugin } from "./plugin.js";

/**
 * `(specifier) => import(specifier)`, written in the entry point's own package so that Node resolves the plugin
 * packages from there: core does not depend on them, the CLI and the server hook do.
 */
export type PluginImporter = (specifier: string) => Promise<unknown>;

/** Loads `<package>/plugin` for each package that is installed; the caller says what a missing one means. */
export async function loadPlugins(packages: readonly string[], importer: PluginImporter): Promise<Plugin[]> {
  const loaded = await Promise.all(packages.map((name) => loadPlugin(name, importer)));
  return loaded.filter((plugin): plugin is Plugin => plugin !== null);
}

/** The package's plugin, or null when the package is not installed; a broken plugin is a ConfigError naming it. */
export async function loadPlugin(name: string, importer: PluginImporter): Promise<Plugin | null> {
  let module: unknown;
  try {
    module = await importer(`${name}/plugin`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && (error as Error).message.includes(name)) return null;
    throw new ConfigError(messages.pluginBroken(name, (error as Error).message), { hint: messages.needsPackageHint(name), cause: error });
  }
  const plugin = isPluginModule(module) ? module.plugin : null;
  if (plugin === null || plugin.package !== name) throw new ConfigError(messages.pluginBroken(name, "it exports no `plugin` for this package"));
  return plugin;
}

function isPluginModule(module: unknown): module is { plugin: Plugin } {
  if (module === null || typeof module !== "object" || !("plugin" in module)) return false;
  const plugin = module.plugin;
  return plugin !== null && typeof plugin === "object" && "package" in plugin && typeof plugin.package === "string";
}
