/** Commands that plugin packages contribute (`shipgate deploy`, `shipgate server`), found through core's known list. */
import { KNOWN_PACKAGES, loadPlugin, loadPlugins, messages, packageOfCommand, UsageError, type PluginCommand } from "@shipgate/core";
import { importPlugin } from "./plugins.js";

/** The command `name` of the package that provides it, or null when no known package does; refused when it is not installed. */
export async function pluginCommand(name: string): Promise<PluginCommand | null> {
  const known = packageOfCommand(name);
  if (known === undefined) return null;
  const plugin = await loadPlugin(known.package, importPlugin);
  if (plugin === null) throw new UsageError(messages.commandNeedsPackage(name, known.package), { hint: messages.installHint(known.package) });
  return plugin.commands?.[name] ?? null;
}

/** Every command name a known package provides, installed or not (for suggestions). */
export function knownCommandNames(): string[] {
  return KNOWN_PACKAGES.flatMap((known) => known.commands);
}

/** `[name, summary]` of every command of every installed plugin, for the usage text. */
export async function pluginCommandSummaries(): Promise<(readonly [string, string])[]> {
  const plugins = await loadPlugins(
    KNOWN_PACKAGES.map((known) => known.package),
    importPlugin,
  );
  return plugins.flatMap((plugin) => Object.entries(plugin.commands ?? {}).map(([name, command]) => [name, command.summary] as const));
}
