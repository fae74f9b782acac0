/** The configuration schema: the single source of the config types, its validation errors and schema.json. */
import * as v from "valibot";
import { STAGES } from "../change/types.js";
import { POLICIES } from "../policies/index.js";
import { EXTERNAL_POLICIES } from "../policies/external.js";

export const SEVERITIES = ["off", "error", "warn"] as const;

/** Keys every policy entry accepts besides its own options. */
const commonEntries = {
  severity: v.optional(v.picklist(SEVERITIES, "expected one of off, error, warn"), "error"),
  stages: v.optional(v.array(v.picklist(STAGES, `expected one of ${STAGES.join(", ")}`))),
};

function policyEntrySchema(options: v.StrictObjectSchema<v.ObjectEntries, undefined>) {
  return v.strictObject({ ...commonEntries, ...options.entries });
}

const policyEntries = Object.fromEntries([
  ...POLICIES.map((policy) => [policy.id, v.optional(policyEntrySchema(policy.options))] as const),
  // Policies from other packages: severity and stages here; their options come from their package's own section.
  ...EXTERNAL_POLICIES.map((policy) => [policy.id, v.optional(v.strictObject(commonEntries))] as const),
]);

export const ServerSection = v.strictObject({
  /** Whether a pushed `.shipgate.yml` may add checks (it can never remove or loosen them). */
  allowRepoConfig: v.optional(v.boolean(), false),
  /** Users who may bypass with `git push -o shipgate.bypass="reason"`. */
  bypassUsers: v.optional(v.array(v.string()), []),
  /** Where the JSON Lines audit log is written (relative paths are relative to the git dir). */
  auditLog: v.optional(v.string(), "shipgate-audit.jsonl"),
  /** Accept the push when shipgate itself fails (fail-open); default is to refuse (fail-closed). */
  failOpen: v.optional(v.boolean(), false),
  /** Policies whose crash is reported as a warning instead of refusing the push (per-policy fail-open). */
  failOpenPolicies: v.optional(v.array(v.string()), []),
  /** Policies a pushed `.shipgate.yml` may turn on when the server leaves them off (needs allowRepoConfig). */
  repoConfigPolicies: v.optional(v.array(v.string()), ["commit-message", "branch-name", "forbidden-paths", "file-size", "secrets", "author", "protected-refs"]),
  /** Environment variables naming the pusher, first non-empty wins (default: the host's variable for the installed flavour). */
  identityFrom: v.optional(v.array(v.pipe(v.string(), v.regex(/^[A-Z_][A-Z0-9_]*$/, "expected an environment variable name")))),
  /** Milliseconds the whole check may take (e.g. 4500 on GitHub Enterprise, whose hooks share 5 s); 0 means no limit. */
  timeout: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 0),
});

/** The deploy gate's migration settings (read by @shipgate/migrations; `shipgate gate` and `shipgate migrations`). */
export const MigrationsSection = v.strictObject({
  /** Migration directories relative to the repository root; empty means detect the usual places. */
  dirs: v.optional(v.array(v.string()), []),
  layout: v.optional(
    v.picklist(
      ["auto", "plain", "flyway", "golang-migrate", "dbmate", "diesel", "prisma"],
      "expected auto, plain, flyway, golang-migrate, dbmate, diesel or prisma",
    ),
    "auto",
  ),
  /** Per-rule severity: breaking and irreversible rules default to error, locking ones to warn. */
  rules: v.optional(v.record(v.string(), v.picklist(SEVERITIES, "expected one of off, error, warn")), {}),
  /** Globs of SQL files holding the queries the application runs; the previous release's must still prepare. */
  queries: v.optional(v.array(v.string()), []),
  /** The previous release's own test command, run in a worktree of it with DATABASE_URL set (a string runs through sh). */
  test: v.optional(
    v.strictObject({
      command: v.union([v.string(), v.array(v.string())], "expected a command string or an argument list"),
      timeout: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 600),
    }),
  ),
  /** PostgreSQL server for the dynamic check; PGlite (embedded) when absent. */
  database: v.optional(v.strictObject({ url: v.optional(v.string()) })),
  /** Apply the migrations on a real database and prove the previous release still works. */
  dynamic: v.optional(v.boolean(), true),
  /** Release tags (glob); editing a migration such a tag contains is refused. */
  tags: v.optional(v.string(), "v*"),
  /** Deploy environment whose last good release `--from auto` reads (`refs/shipgate/<env>/good`). */
  environment: v.optional(v.string(), "production"),
});

export const ConfigSchema = v.strictObject({
  $schema: v.optional(v.string()),
  /** Presets (`recommended`, `strict`) or paths of YAML files this config builds on. */
  extends: v.optional(v.union([v.string(), v.array(v.string())], "expected a preset name or a list of them")),
  policies: v.optional(v.strictObject(policyEntries), {}),
  server: v.optional(ServerSection),
  migrations: v.optional(MigrationsSection),
});

export type ConfigInput = v.InferInput<typeof ConfigSchema>;
export type Config = v.InferOutput<typeof ConfigSchema>;
export type PolicyEntry = { severity: (typeof SEVERITIES)[number]; stages?: string[] | undefined } & Record<string, unknown>;
