/** The configuration schema: the single source of the config types, its validation errors and schema.json. */
import * as v from "valibot";
import { STAGES } from "../change/types.js";
import { POLICIES } from "../policies/index.js";

export const SEVERITIES = ["off", "error", "warn"] as const;

/** Keys every policy entry accepts besides its own options. */
const commonEntries = {
  severity: v.optional(v.picklist(SEVERITIES, "expected one of off, error, warn"), "error"),
  stages: v.optional(v.array(v.picklist(STAGES, `expected one of ${STAGES.join(", ")}`))),
};

function policyEntrySchema(options: v.StrictObjectSchema<v.ObjectEntries, undefined>) {
  return v.strictObject({ ...commonEntries, ...options.entries });
}

const policyEntries = Object.fromEntries(POLICIES.map((policy) => [policy.id, v.optional(policyEntrySchema(policy.options))]));

export const ServerSection = v.strictObject({
  /** Whether a pushed `.shipgate.yml` may add checks (it can never remove or loosen them). */
  allowRepoConfig: v.optional(v.boolean(), false),
  /** Users who may bypass with `git push -o shipgate.bypass="reason"`. */
  bypassUsers: v.optional(v.array(v.string()), []),
  /** Where the JSON Lines audit log is written (relative paths are relative to the git dir). */
  auditLog: v.optional(v.string(), "shipgate-audit.jsonl"),
  /** Accept the push when shipgate itself fails (fail-open); default is to refuse (fail-closed). */
  failOpen: v.optional(v.boolean(), false),
});

export const ConfigSchema = v.strictObject({
  $schema: v.optional(v.string()),
  /** Presets (`recommended`, `strict`) or paths of YAML files this config builds on. */
  extends: v.optional(v.union([v.string(), v.array(v.string())], "expected a preset name or a list of them")),
  policies: v.optional(v.strictObject(policyEntries), {}),
  server: v.optional(ServerSection),
});

export type ConfigInput = v.InferInput<typeof ConfigSchema>;
export type Config = v.InferOutput<typeof ConfigSchema>;
export type PolicyEntry = { severity: (typeof SEVERITIES)[number]; stages?: string[] | undefined } & Record<string, unknown>;
