/**
 * Loads `.shipgate.yml`: YAML as data only, `extends:` presets resolved, every file validated with precise paths
 * against core's schema and the schemas of the plugins that own the sections and policies it names.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import type * as v from "valibot";
import { LineCounter, parseDocument } from "yaml";
import { ConfigError } from "../errors.js";
import { configSchema, type Config, type ConfigInput } from "./schema.js";
import { messages } from "../messages.js";
import { didYouMean } from "../suggest.js";
import { PRESETS } from "../presets.generated.js";
import { loadPlugins, type PluginImporter } from "../plugin/registry.js";
import { KNOWN_PACKAGES } from "../plugin/known.js";
import type { Plugin } from "../plugin/plugin.js";

export const CONFIG_FILES = [".shipgate.yml", ".shipgate.yaml"];

export interface LoadedConfig {
  config: Config;
  /** Files read, the config first then its presets (for reports and cache keys). */
  files: string[];
  /** The plugin packages whose sections or policies the config names. */
  packages: string[];
}

export interface ConfigWithPlugins extends LoadedConfig {
  /** The loaded plugins of `packages`. */
  plugins: Plugin[];
}

export function findConfigFile(dir: string): string | null {
  for (const name of CONFIG_FILES) {
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/** Loads a config file, or the `recommended` preset when `file` is null, validated with the plugins given. */
export function loadConfig(file: string | null, plugins: readonly Plugin[] = []): LoadedConfig {
  const layers = readLayers(file);
  return validateLayers(layers, plugins, file);
}

/** Loads a config and the plugins it needs, through the caller's importer (which resolves from the caller's package). */
export async function loadConfigWithPlugins(file: string | null, importer: PluginImporter, always: readonly Plugin[] = []): Promise<ConfigWithPlugins> {
  const layers = readLayers(file);
  const wanted = packagesNamed(layers.merged).filter((name) => !always.some((plugin) => plugin.package === name));
  const plugins = [...always, ...(await loadPlugins(wanted, importer))];
  return { ...validateLayers(layers, plugins, file), plugins };
}

/** The plugin packages whose sections or policies (not turned off) a config layer names. */
export function packagesNamed(data: ConfigInput): string[] {
  const named = new Set<string>();
  for (const known of KNOWN_PACKAGES) {
    if (known.sections.some((key) => data[key] !== undefined)) named.add(known.package);
    const policies = data["policies"];
    if (isPlainObject(policies) && known.policies.some((id) => isTurnedOn(policies[id]))) named.add(known.package);
  }
  return [...named];
}

/**
 * Parses YAML text as one config layer (validated, extends not resolved); used for pushed content on the server.
 * Sections and policies of packages that are not loaded here are kept as written: the server ignores them.
 */
export function parseConfigText(text: string, source: string, plugins: readonly Plugin[] = []): ConfigInput {
  const data = parseYaml(text, source);
  const validator = configSchema(plugins, { tolerate: true });
  const result = validator.safeParse(data);
  if (!result.success) throw invalid(source, result.issues, validator.schema);
  return data;
}

/** Validates config data (one layer, extends not resolved) for core and the given plugins; throws a ConfigError. */
export function validateConfig(data: unknown, plugins: readonly Plugin[] = [], source = "config"): Config {
  const validator = configSchema(plugins);
  const result = validator.safeParse(data);
  if (!result.success) throw invalid(source, result.issues, validator.schema);
  return result.output;
}

/** Merges layers left to right: objects deeply, everything else replaced. */
export function mergeLayers(...layers: unknown[]): Record<string, unknown> {
  let out: Record<string, unknown> = {};
  for (const layer of layers) out = deepMerge(out, layer) as Record<string, unknown>;
  return out;
}

interface Layers {
  /** Each file's own data, in the order read, for errors that name the file. */
  each: { source: string; data: Record<string, unknown> }[];
  merged: Record<string, unknown>;
  files: string[];
}

function readLayers(file: string | null): Layers {
  const layers: Layers = { each: [], merged: {}, files: [] };
  layers.merged = file === null ? resolvePreset("recommended", [], layers) : readLayer(file, [], layers);
  return layers;
}

function validateLayers(layers: Layers, plugins: readonly Plugin[], file: string | null): LoadedConfig {
  const packages = packagesNamed(layers.merged);
  const missing = packages.filter((name) => !plugins.some((plugin) => plugin.package === name));
  if (missing.length > 0) throw missingPackage(layers.merged, missing[0] ?? "");
  const schema = configSchema(plugins);
  for (const layer of layers.each) {
    const checked = schema.safeParse(layer.data);
    if (!checked.success) throw invalid(layer.source, checked.issues, schema.schema);
  }
  const result = schema.safeParse(layers.merged);
  if (!result.success) throw invalid(file ?? "recommended preset", result.issues, schema.schema);
  return { config: result.output, files: layers.files, packages };
}

/** A policy entry that is present and not `off` (entries are objects after normalizeShorthands). */
function isTurnedOn(entry: unknown): boolean {
  return entry !== undefined && !(isPlainObject(entry) && entry["severity"] === "off");
}

function missingPackage(data: ConfigInput, pkg: string): ConfigError {
  const known = KNOWN_PACKAGES.find((entry) => entry.package === pkg);
  const section = known?.sections.find((key) => data[key] !== undefined);
  const policies = isPlainObject(data["policies"]) ? data["policies"] : {};
  const where = section !== undefined ? `${section}:` : `policies.${known?.policies.find((id) => isTurnedOn(policies[id])) ?? "?"}`;
  return new ConfigError(messages.needsPackage(where, pkg), { hint: messages.needsPackageHint(pkg) });
}

function readLayer(file: string, chain: string[], layers: Layers): Record<string, unknown> {
  const path = resolve(file);
  if (chain.includes(path))
    throw new ConfigError(messages.configCycle([...chain, path]), { hint: "Remove one of the `extends:` entries that form the cycle." });
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read ${path}: ${(error as Error).message}`, { hint: "Check that the file exists and is readable." });
  }
  layers.files.push(path);
  const data = parseYaml(text, path);
  layers.each.push({ source: path, data });
  return withParents(data, path, [...chain, path], layers);
}

/** Resolves a layer's `extends:` entries and merges the layer over them. */
function withParents(data: Record<string, unknown>, from: string, chain: string[], layers: Layers): Record<string, unknown> {
  const declared = data["extends"];
  const parents = declared === undefined ? [] : Array.isArray(declared) ? declared : [declared];
  const base = parents.map((name) => {
    if (typeof name !== "string") throw new ConfigError(`${from}: extends: expected a preset name or a list of them`, { hint: messages.presetHint });
    return resolveExtends(name, from, chain, layers);
  });
  const own = { ...data };
  delete own["extends"];
  return mergeLayers(...base, own);
}

function resolveExtends(name: string, from: string, chain: string[], layers: Layers): Record<string, unknown> {
  if (name.startsWith(".") || isAbsolute(name)) {
    if (from.startsWith("preset:")) throw new ConfigError(`${from} cannot extend a file path`, { hint: messages.presetHint });
    return readLayer(isAbsolute(name) ? name : resolve(dirname(from), name), chain, layers);
  }
  return resolvePreset(name, chain, layers);
}

/** Built-in presets are embedded in the code (generated from presets/*.yml), so no file layout can lose them. */
function resolvePreset(name: string, chain: string[], layers: Layers): Record<string, unknown> {
  const text = Object.hasOwn(PRESETS, name) ? PRESETS[name] : undefined;
  if (text === undefined) throw new ConfigError(messages.unknownPreset(name, Object.keys(PRESETS)), { hint: messages.presetHint });
  const id = `preset:${name}`;
  if (chain.includes(id)) throw new ConfigError(messages.configCycle([...chain, id]), { hint: "Remove one of the `extends:` entries that form the cycle." });
  layers.files.push(id);
  const data = parseYaml(text, id);
  layers.each.push({ source: id, data });
  return withParents(data, id, [...chain, id], layers);
}

function parseYaml(text: string, source: string): Record<string, unknown> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { schema: "core", merge: false, uniqueKeys: true, prettyErrors: false, lineCounter: lines });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) {
    const pos = lines.linePos(problem.pos[0]);
    const where = `${source}:${pos.line}:${pos.col}`;
    throw new ConfigError(`${where}: invalid YAML: ${problem.message.split("\n")[0] ?? ""}`, { hint: messages.yamlHint });
  }
  const data: unknown = doc.toJS({ maxAliasCount: 50 });
  if (data === null || data === undefined) return {};
  if (typeof data !== "object" || Array.isArray(data))
    throw new ConfigError(`${source}: expected a mapping of settings at the top level`, { hint: messages.yamlHint });
  return normalizeShorthands(data as Record<string, unknown>);
}

/** `policies: { secrets: off }` is shorthand for `{ severity: off }`. */
function normalizeShorthands(data: Record<string, unknown>): Record<string, unknown> {
  const policies = data["policies"];
  if (policies === null || typeof policies !== "object" || Array.isArray(policies)) return data;
  const normalized: Record<string, unknown> = {};
  for (const [id, entry] of Object.entries(policies as Record<string, unknown>)) {
    normalized[id] = typeof entry === "string" || entry === null ? { severity: entry ?? "error" } : entry;
  }
  return { ...data, policies: normalized };
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = deepMerge(base[key], value);
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * `policies.secrets.allow[2]: expected text` for every issue, in shipgate's words: an unknown key with the nearest
 * known one (the keys of its parent object in `schema`), a type mismatch named as the user writes YAML.
 */
export function formatIssues(issues: readonly v.BaseIssue<unknown>[], schema?: v.GenericSchema): string[] {
  return issues.map((issue) => {
    const keys = (issue.path ?? []).map((item) => (item as { key: unknown }).key);
    let path = "";
    for (const key of keys) path += typeof key === "number" ? `[${key}]` : path === "" ? String(key) : `.${String(key)}`;
    return `${path === "" ? "(top level)" : path}: ${describeIssue(issue, keys, schema)}`;
  });
}

function describeIssue(issue: v.BaseIssue<unknown>, keys: readonly unknown[], schema: v.GenericSchema | undefined): string {
  if (issue.kind === "schema" && issue.type === "strict_object" && issue.expected === "never") {
    const known = schema === undefined ? [] : keysAt(schema, keys.slice(0, -1));
    return messages.unknownKey(didYouMean(String(keys.at(-1)), known));
  }
  if (issue.kind === "schema" && issue.message.startsWith("Invalid type: "))
    return messages.wrongType(TYPE_NAMES[issue.type] ?? issue.expected ?? issue.type, issue.input);
  return issue.message.replace(/^Invalid \w+: /, "");
}

/** What a schema type is called in a YAML config. */
const TYPE_NAMES: Readonly<Record<string, string>> = {
  array: "a list",
  object: "a mapping of keys",
  strict_object: "a mapping of keys",
  loose_object: "a mapping of keys",
  record: "a mapping of keys",
  string: "text",
  number: "a number",
  boolean: "true or false",
};

/** The keys the object schema at `path` (from `schema`) accepts; descends through optional, union, array and record. */
function keysAt(schema: v.GenericSchema, path: readonly unknown[]): string[] {
  let current: unknown[] = [schema];
  for (const key of path) current = current.flatMap(unwrap).flatMap((node) => childOf(node, key));
  return [...new Set(current.flatMap(unwrap).flatMap((node) => (isEntries(node) ? Object.keys(node.entries) : [])))];
}

function unwrap(node: unknown): unknown[] {
  if (node === null || typeof node !== "object") return [];
  const schema = node as { wrapped?: unknown; options?: unknown };
  if (schema.wrapped !== undefined) return unwrap(schema.wrapped);
  if (Array.isArray(schema.options)) return schema.options.flatMap(unwrap);
  return [node];
}

function childOf(node: unknown, key: unknown): unknown[] {
  const schema = node as { entries?: Record<string, unknown>; item?: unknown; value?: unknown };
  if (typeof key === "number" && schema.item !== undefined) return [schema.item];
  if (isEntries(node) && typeof key === "string" && Object.hasOwn(node.entries, key)) return [node.entries[key]];
  if (schema.value !== undefined && typeof key === "string") return [schema.value];
  return [];
}

function isEntries(node: unknown): node is { entries: Record<string, unknown> } {
  return node !== null && typeof node === "object" && "entries" in node && typeof node.entries === "object" && node.entries !== null;
}

function invalid(source: string, issues: readonly v.BaseIssue<unknown>[], schema?: v.GenericSchema): ConfigError {
  const lines = formatIssues(issues, schema);
  return new ConfigError(`${source} is not a valid shipgate config: ${lines[0] ?? "invalid"}`, { issues: lines, hint: messages.configHint });
}
