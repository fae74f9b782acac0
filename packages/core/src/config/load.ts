/** Loads `.shipgate.yml`: YAML as data only, `extends:` presets resolved, every file validated with precise paths. */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import * as v from "valibot";
import { LineCounter, parseDocument } from "yaml";
import { ConfigError } from "../errors.js";
import { ConfigSchema, type Config, type ConfigInput } from "./schema.js";
import { messages } from "../messages.js";
import { PRESETS } from "../presets.generated.js";

export const CONFIG_FILES = [".shipgate.yml", ".shipgate.yaml"];

export interface LoadedConfig {
  config: Config;
  /** Files read, the config first then its presets (for reports and cache keys). */
  files: string[];
}

export function findConfigFile(dir: string): string | null {
  for (const name of CONFIG_FILES) {
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/** Loads a config file, or the `recommended` preset when `file` is null. */
export function loadConfig(file: string | null): LoadedConfig {
  const files: string[] = [];
  const merged = file === null ? resolvePreset("recommended", [], files) : readLayer(file, [], files);
  const result = v.safeParse(ConfigSchema, merged);
  if (!result.success) throw invalid(file ?? "recommended preset", result.issues);
  return { config: result.output, files };
}

/** Parses YAML text as a config layer (validated, extends not resolved); used for pushed content on the server. */
export function parseConfigText(text: string, source: string): ConfigInput {
  const data = parseYaml(text, source);
  const result = v.safeParse(ConfigSchema, data);
  if (!result.success) throw invalid(source, result.issues);
  return data;
}

/** Merges layers left to right: objects deeply, everything else replaced. */
export function mergeLayers(...layers: unknown[]): Record<string, unknown> {
  let out: Record<string, unknown> = {};
  for (const layer of layers) out = deepMerge(out, layer) as Record<string, unknown>;
  return out;
}

function readLayer(file: string, chain: string[], files: string[]): Record<string, unknown> {
  const path = resolve(file);
  if (chain.includes(path))
    throw new ConfigError(messages.configCycle([...chain, path]), { hint: "Remove one of the `extends:` entries that form the cycle." });
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read ${path}: ${(error as Error).message}`, { hint: "Check that the file exists and is readable." });
  }
  files.push(path);
  const data = parseYaml(text, path);
  const checked = v.safeParse(ConfigSchema, data);
  if (!checked.success) throw invalid(path, checked.issues);
  return withParents(data, path, [...chain, path], files);
}

/** Resolves a layer's `extends:` entries and merges the layer over them. */
function withParents(data: Record<string, unknown>, from: string, chain: string[], files: string[]): Record<string, unknown> {
  const parents = data["extends"] === undefined ? [] : Array.isArray(data["extends"]) ? (data["extends"] as string[]) : [data["extends"] as string];
  const base = parents.map((name) => resolveExtends(name, from, chain, files));
  const own = { ...data };
  delete own["extends"];
  return mergeLayers(...base, own);
}

function resolveExtends(name: string, from: string, chain: string[], files: string[]): Record<string, unknown> {
  if (name.startsWith(".") || isAbsolute(name)) {
    if (from.startsWith("preset:")) throw new ConfigError(`${from} cannot extend a file path`, { hint: messages.presetHint });
    return readLayer(isAbsolute(name) ? name : resolve(dirname(from), name), chain, files);
  }
  return resolvePreset(name, chain, files);
}

/** Built-in presets are embedded in the code (generated from presets/*.yml), so no file layout can lose them. */
function resolvePreset(name: string, chain: string[], files: string[]): Record<string, unknown> {
  const text = Object.hasOwn(PRESETS, name) ? PRESETS[name] : undefined;
  if (text === undefined) throw new ConfigError(messages.unknownPreset(name, Object.keys(PRESETS)), { hint: messages.presetHint });
  const id = `preset:${name}`;
  if (chain.includes(id)) throw new ConfigError(messages.configCycle([...chain, id]), { hint: "Remove one of the `extends:` entries that form the cycle." });
  files.push(id);
  const data = parseYaml(text, id);
  const checked = v.safeParse(ConfigSchema, data);
  if (!checked.success) throw invalid(id, checked.issues);
  return withParents(data, id, [...chain, id], files);
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

/** `policies.secrets.allow[2]: expected string` for every issue. */
export function formatIssues(issues: readonly v.BaseIssue<unknown>[]): string[] {
  return issues.map((issue) => {
    let path = "";
    for (const item of issue.path ?? []) {
      const key = (item as { key: unknown }).key;
      path += typeof key === "number" ? `[${key}]` : path === "" ? String(key) : `.${String(key)}`;
    }
    const unknownKey = issue.kind === "schema" && issue.type === "strict_object" && issue.expected === "never";
    const message = unknownKey ? "unknown key (check the spelling, or see schema.json for the keys this accepts)" : issue.message.replace(/^Invalid \w+: /, "");
    return `${path === "" ? "(top level)" : path}: ${message}`;
  });
}

function invalid(source: string, issues: readonly v.BaseIssue<unknown>[]): ConfigError {
  const lines = formatIssues(issues);
  return new ConfigError(`${source} is not a valid shipgate config: ${lines[0] ?? "invalid"}`, { issues: lines, hint: messages.configHint });
}
