/**
 * The one seam through which a package plugs into shipgate: its policies (each with its own options schema), its
 * config section (a schema under one top-level key) and its CLI commands. Core validates every section and policy
 * entry against its owner's schema and builds schema.json from all of them; it keeps only the small list of known
 * packages (./known.ts) so a config naming one that is not installed still says what to install.
 */
import * as v from "valibot";
import type { Config } from "../config/schema.js";
import type { AnyPolicy } from "../policies/policy.js";
import type { Command } from "./command.js";

/** A config section: its top-level key and the schema that validates it (defaults included). */
export interface Section<S extends v.GenericSchema = v.GenericSchema> {
  key: string;
  schema: S;
}

export interface PluginCommand {
  /** One line for `shipgate --help`. */
  summary: string;
  load: () => Promise<{ default: Command }>;
}

export interface Plugin {
  /** The npm package that provides it (what a user installs). */
  package: string;
  policies?: readonly AnyPolicy[];
  sections?: readonly Section[];
  commands?: Readonly<Record<string, PluginCommand>>;
}

/** Keeps a plugin's shape checked where it is written. */
export function definePlugin(plugin: Plugin): Plugin {
  return plugin;
}

export function defineSection<S extends v.GenericSchema>(key: string, schema: S): Section<S> {
  return { key, schema };
}

/**
 * A section of a validated config, typed by its schema. The config was validated against the same schema when it was
 * loaded; parsing again (cheap, idempotent) gives the typed value, and the section's defaults when it is absent.
 */
export function readSection<S extends v.GenericSchema>(config: Config, section: Section<S>): v.InferOutput<S> {
  return v.parse(section.schema, (config as Record<string, unknown>)[section.key] ?? {});
}
