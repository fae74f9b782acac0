/** The `deploy:` section of `.shipgate.yml` (on a server: of the trusted server config), owned by this package. */
import * as v from "valibot";
import type { Section } from "@shipgate/core";
import { isEnvName } from "@shipgate/core/ledger";
import { CONDITION, CONDITION_HINT, templateProblem } from "./verifiers/promql.js";

const seconds = (fallback: number, min = 0) => v.optional(v.pipe(v.number(), v.minValue(min, `expected at least ${min} seconds`)), fallback);
/** A command the user wrote: a string runs through `sh -c`, a list is an argument vector run as is. */
const CommandLine = v.union([v.pipe(v.string(), v.minLength(1)), v.pipe(v.array(v.string()), v.minLength(1))], "expected a command string or an argument list");
const HttpUrl = v.pipe(
  v.string(),
  v.url("expected a URL such as http://127.0.0.1:8080/health"),
  v.regex(/^https?:\/\//i, "expected an http:// or https:// URL"),
);
const EnvName = v.pipe(
  v.string(),
  v.regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, "expected a lower-case name of letters, digits, '.', '_' or '-'"),
  v.check(isEnvName, "expected a name that is one safe ref component (no '..', not ending in '.' or '.lock')"),
);

export const ReleaseDirDeployer = v.strictObject({
  type: v.literal("release-dir"),
  /** The directory holding `releases/<tag>` and the `current` symlink. */
  root: v.string(),
  /** Paths linked from `<root>/shared/<path>` into each release (e.g. `.env`, `uploads/`). */
  shared: v.optional(v.array(v.string()), []),
  /** Build steps, run in the new release's directory in order. */
  build: v.optional(v.array(CommandLine), []),
  /** Run after the `current` symlink was swapped (e.g. restart the service). */
  restart: v.optional(CommandLine),
  /** Releases kept on disk; the current and the last good one are never deleted. */
  keep: v.optional(v.pipe(v.number(), v.integer(), v.minValue(2)), 5),
  /** Seconds each build or restart step may take. */
  timeout: seconds(600, 1),
});

export const CommandDeployer = v.strictObject({
  type: v.literal("command"),
  /** Your idempotent deploy script; gets SHIPGATE_TAG, SHIPGATE_SHA, SHIPGATE_ENV, SHIPGATE_PREVIOUS_TAG, SHIPGATE_LAST_GOOD_TAG. */
  command: CommandLine,
  cwd: v.optional(v.string()),
  timeout: seconds(600, 1),
});

export const DeployerSchema = v.variant("type", [ReleaseDirDeployer, CommandDeployer], "expected a deployer type: release-dir or command");

export const HttpVerifier = v.strictObject({
  url: HttpUrl,
  /** Expected status code. */
  status: v.optional(v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(599)), 200),
  /** Text the body must contain. */
  body: v.optional(v.string()),
  /** Seconds between probes. */
  interval: seconds(2, 0.05),
  /** Consecutive successful probes that pass the check. */
  successes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 3),
  /** Consecutive failed probes that fail it. */
  failures: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 3),
  /** Seconds to wait before the first probe. */
  initialDelay: seconds(0),
  /** Seconds one probe may take. */
  timeout: seconds(5, 0.05),
});

export const CommandVerifier = v.strictObject({
  /** A smoke test; passes when it exits with `exitCode`. */
  command: CommandLine,
  exitCode: v.optional(v.pipe(v.number(), v.integer()), 0),
  cwd: v.optional(v.string()),
  timeout: seconds(300, 1),
});

const Condition = v.pipe(v.string(), v.regex(CONDITION, CONDITION_HINT));

export const PrometheusVerifier = v.pipe(
  v.strictObject({
    /** How the record names this check (default: the query). */
    name: v.optional(v.pipe(v.string(), v.regex(/^[\w .:/()-]{1,80}$/, "expected a short name of letters, digits, spaces and . : / ( ) - _"))),
    /** The Prometheus server (its HTTP API is under `<url>/api/v1/`), e.g. http://127.0.0.1:9090. */
    url: v.pipe(
      HttpUrl,
      v.check((url) => !/[?#]/.test(url), "expected the server's address without a query or fragment, such as http://127.0.0.1:9090"),
    ),
    /** An instant PromQL query giving one number; `{{tag}}`, `{{sha}}` and `{{env}}` inside quoted strings are filled in. */
    query: v.pipe(
      v.string(),
      v.minLength(1, "expected a PromQL query"),
      v.maxLength(16384),
      v.check(
        (query) => templateProblem(query) === null,
        (issue) => templateProblem(issue.input) ?? "",
      ),
    ),
    /** The result is bad when this holds (e.g. `> 0.05`); set this or successIf. */
    failIf: v.optional(Condition),
    /** The result is good only when this holds (e.g. `< 0.05`); set this or failIf. */
    successIf: v.optional(Condition),
    /** Seconds between queries. */
    interval: seconds(10, 0.1),
    /** Consecutive good results that pass the check. */
    successes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 3),
    /** Consecutive bad results that fail it (1: the first bad result fails it). */
    failureLimit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 1),
    /** Consecutive errors (Prometheus unreachable, timed out, failing) that fail it. */
    errorLimit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 3),
    /** An empty result or NaN (no data, e.g. no traffic yet): fail (a bad result), pass (a good one), or wait (neither). */
    onEmpty: v.optional(v.picklist(["fail", "pass", "wait"], "expected fail, pass or wait"), "wait"),
    /** Seconds to wait before the first query (let rate() windows fill with the new release's samples). */
    initialDelay: seconds(0),
    /** Seconds one query may take. */
    timeout: seconds(10, 0.1),
  }),
  v.check((entry) => (entry.failIf === undefined) !== (entry.successIf === undefined), "expected exactly one of failIf or successIf"),
);

export const Verify = v.strictObject({
  /** Seconds the whole verification may take before it fails. */
  window: seconds(300, 1),
  http: v.optional(v.array(HttpVerifier), []),
  commands: v.optional(v.array(CommandVerifier), []),
  /** Prometheus queries judged against a threshold, repeatedly through the window. */
  prometheus: v.optional(v.array(PrometheusVerifier), []),
});

export const Environment = v.strictObject({
  /** Refs whose push triggers a deploy from the post-receive hook: tag globs and branch names. */
  trigger: v.optional(v.strictObject({ tags: v.optional(v.array(v.string()), []), branches: v.optional(v.array(v.string()), []) }), {}),
  deployer: DeployerSchema,
  verify: v.optional(Verify, {}),
  /** Run the release gate (`--from <last good> --to <tag>`) before deploying. */
  gate: v.optional(v.boolean(), false),
  /** Slack-compatible webhook told on start, promote, rollback and freeze. */
  notify: v.optional(v.strictObject({ webhook: HttpUrl })),
});

export const DeploySection = v.strictObject({
  environments: v.optional(v.record(EnvName, Environment), {}),
  /** Seconds after which a lock whose owner cannot be checked (another host) may be taken over. */
  lockLease: seconds(3600, 1),
  /** The JSON Lines audit log of deploys (relative paths are relative to the git dir). */
  auditLog: v.optional(v.string(), "shipgate-deploy.jsonl"),
  /** Bytes of each step's output kept in the record. */
  outputLimit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 65536),
});

/** Built without core's runtime (a type-only import), so the post-receive trigger loads only what it uses. */
export const deploySection: Section<typeof DeploySection> = { key: "deploy", schema: DeploySection };

export type DeploySettings = v.InferOutput<typeof DeploySection>;
export type EnvironmentSettings = v.InferOutput<typeof Environment>;
export type DeployerSettings = v.InferOutput<typeof DeployerSchema>;
export type ReleaseDirSettings = v.InferOutput<typeof ReleaseDirDeployer>;
export type CommandDeployerSettings = v.InferOutput<typeof CommandDeployer>;
export type VerifySettings = v.InferOutput<typeof Verify>;
export type HttpVerifierSettings = v.InferOutput<typeof HttpVerifier>;
export type CommandVerifierSettings = v.InferOutput<typeof CommandVerifier>;
export type PrometheusVerifierSettings = v.InferOutput<typeof PrometheusVerifier>;
export type CommandLineSetting = v.InferOutput<typeof CommandLine>;
