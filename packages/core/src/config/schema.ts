/**
 * The configuration schema: core's own keys and policies, plus each plugin's policies and sections. It is the single
 * source of the config types, its validation errors and schema.json.
 */
import * as v from "valibot";
import { STAGES } from "../change/types.js";
import { POLICIES } from "../policies/index.js";
import type { AnyPolicy, OptionsSchema } from "../policies/policy.js";
import type { Plugin } from "../plugin/plugin.js";
import { KNOWN_PACKAGES } from "../plugin/known.js";

export const SEVERITIES = ["off", "error", "warn"] as const;
export type SeverityLevel = (typeof SEVERITIES)[number];

/** Keys every policy entry accepts besides its own options. */
export const COMMON_ENTRIES = {
  severity: v.optional(v.picklist(SEVERITIES, "expected one of off, error, warn"), "error"),
  stages: v.optional(v.array(v.picklist(STAGES, `expected one of ${STAGES.join(", ")}`))),
};

export type PolicyEntry = { severity: SeverityLevel; stages?: string[] | undefined } & Record<string, unknown>;

/** A validated config. Sections of plugins (`server:`, `migrations:`, `deploy:`) are read with `readSection`. */
export interface Config {
  $schema?: string | undefined;
  extends?: string | string[] | undefined;
  policies: Record<string, PolicyEntry>;
  /** Where the repository adopted shipgate: commits reachable from it are never judged by content or message policies. */
  baseline?: Baseline | undefined;
  [section: string]: unknown;
}

export interface Baseline {
  commit: string;
  reason?: string | undefined;
}

/** The adoption point: a full commit id (`shipgate baseline <rev>` writes it), and why it is there. */
export const BaselineSchema = v.strictObject({
  /** The commit shipgate was adopted at (full id); its history is never judged by content or message policies. */
  commit: v.pipe(v.string(), v.regex(/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/, "expected a full commit id (shipgate baseline <rev> writes it)")),
  /** Why the baseline is where it is (shown by `shipgate baseline`). */
  reason: v.optional(v.string()),
});

/** The shape of a config as written, for layers that are merged before validation. */
export type ConfigInput = Record<string, unknown>;

/** A policy's entry: severity, stages and the policy's own options, strict so a typo is reported with its path. */
export function policyEntrySchema(policy: AnyPolicy): v.GenericSchema {
  const options: OptionsSchema = policy.options;
  return v.strictObject({ ...COMMON_ENTRIES, ...options.entries });
}

/** Validates config data for one set of plugins; `schema` is the valibot schema (for schema.json). */
export interface ConfigValidator {
  schema: v.GenericSchema;
  safeParse(data: unknown): { success: true; output: Config } | { success: false; issues: readonly v.BaseIssue<unknown>[] };
}

/**
 * The schema of a config for core and the given plugins; memoised per plugin list. Policies of known packages that are
 * not loaded validate their severity and stages only (the loader refuses them unless they are off); with `tolerate`,
 * those packages' sections are accepted as written too (pushed configs on a server that does not use them).
 */
export function configSchema(plugins: readonly Plugin[] = [], options: { tolerate?: boolean } = {}): ConfigValidator {
  const key = `${options.tolerate === true ? "tolerate" : ""}\n${plugins.map((plugin) => plugin.package).join("\n")}`;
  const cached = validators.get(key);
  if (cached !== undefined) return cached;
  const policies = [...POLICIES, ...plugins.flatMap((plugin) => plugin.policies ?? [])];
  const absent = KNOWN_PACKAGES.filter((known) => !plugins.some((plugin) => plugin.package === known.package));
  const entryPairs: [string, v.GenericSchema][] = [
    ...policies.map((policy): [string, v.GenericSchema] => [policy.id, v.optional(policyEntrySchema(policy))]),
    ...absent.flatMap((known) => known.policies.map((id): [string, v.GenericSchema] => [id, v.optional(v.looseObject(COMMON_ENTRIES))])),
  ];
  const entries: v.ObjectEntries = Object.fromEntries(entryPairs);
  const sections: v.ObjectEntries = Object.fromEntries([
    ...plugins.flatMap((plugin) => plugin.sections ?? []).map((section) => [section.key, v.optional(section.schema)] as const),
    ...(options.tolerate === true ? absent.flatMap((known) => known.sections.map((section) => [section, v.optional(v.unknown())] as const)) : []),
  ]);
  const schema = v.strictObject({
    $schema: v.optional(v.string()),
    /** Presets (`recommended`, `strict`) or paths of YAML files this config builds on. */
    extends: v.optional(v.union([v.string(), v.array(v.string())], "expected a preset name or a list of them")),
    policies: v.optional(v.strictObject(entries), {}),
    baseline: v.optional(BaselineSchema),
    ...sections,
  });
  const validator: ConfigValidator = {
    schema,
    safeParse(data) {
      const result = v.safeParse(schema, data);
      return result.success ? { success: true, output: toConfig(result.output) } : { success: false, issues: result.issues };
    },
  };
  validators.set(key, validator);
  return validator;
}

const validators = new Map<string, ConfigValidator>();

/** The validated object as a Config: every policy entry checked to have the entry shape (a guard, not a cast). */
function toConfig(value: Record<string, unknown>): Config {
  const { $schema, extends: parents, policies, baseline, ...sections } = value;
  const entries: Record<string, PolicyEntry> = {};
  for (const [id, entry] of Object.entries(isRecord(policies) ? policies : {})) if (isPolicyEntry(entry)) entries[id] = entry;
  return {
    ...sections,
    ...(typeof $schema === "string" ? { $schema } : {}),
    ...(typeof parents === "string" ? { extends: parents } : Array.isArray(parents) ? { extends: parents.map(String) } : {}),
    policies: entries,
    ...(isBaseline(baseline) ? { baseline } : {}),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function isBaseline(value: unknown): value is Baseline {
  return isRecord(value) && typeof value["commit"] === "string";
}

function isPolicyEntry(value: unknown): value is PolicyEntry {
  return isRecord(value) && SEVERITIES.some((severity) => severity === value["severity"]);
}
