/** The `server:` section, owned by this package and read only from the server's own config file. */
import * as v from "valibot";
import { defineSection } from "@shipgate/core";

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
  /**
   * Policies a pushed `.shipgate.yml` may turn on when the server leaves them off (needs allowRepoConfig); an entry whose
   * regular expressions or globs cannot run in linear time is ignored with a note.
   */
  repoConfigPolicies: v.optional(v.array(v.string()), ["commit-message", "branch-name", "forbidden-paths", "file-size", "secrets", "author", "protected-refs"]),
  /** Environment variables naming the pusher, first non-empty wins (default: the host's variable for the installed flavour). */
  identityFrom: v.optional(v.array(v.pipe(v.string(), v.regex(/^[A-Z_][A-Z0-9_]*$/, "expected an environment variable name")))),
  /** Milliseconds the whole check may take (e.g. 4500 on GitHub Enterprise, whose hooks share 5 s); 0 means no limit. */
  timeout: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 0),
  /** Accept a config that turns no policy on (the hook then accepts every push); without it such a config is refused. */
  allowEmpty: v.optional(v.boolean(), false),
});

export const serverSection = defineSection("server", ServerSection);

export type ServerSettings = v.InferOutput<typeof ServerSection>;
