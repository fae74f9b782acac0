/** The contract every policy implements: a named check, its options schema, a pure function of the Change. */
import type * as v from "valibot";
import type { Change, FileChange, LineSelection, Stage } from "../change/types.js";
import type { Config } from "../config/schema.js";
import type { Working } from "../progress.js";
import type { ToolHost } from "./tool-jobs.js";

export type Severity = "error" | "warn";

/** What a policy reports; the runner stamps the policy id and the configured severity. */
export interface Issue {
  /** What is wrong, in one sentence. */
  message: string;
  /** How to fix it, in one sentence. */
  fix?: string;
  ref?: string;
  commit?: string;
  path?: string;
  line?: number;
  column?: number;
  /** Overrides the configured severity for this issue only (e.g. a warning about a stale suppression). */
  severity?: Severity;
  /**
   * The policy could not judge the change here (what it needs is missing where it runs, e.g. a database extension): such
   * an error exits 2 (usage: fix the environment) unless another error blocks the change (exit 1).
   */
  inconclusive?: true;
}

export interface Finding extends Issue {
  policy: string;
  severity: Severity;
  /** The policy itself failed (threw) instead of judging the change; a server may treat such findings as configured. */
  crashed?: true;
}

/** A fixed version of a staged file, produced by a fixer policy at pre-commit. */
export interface Fix {
  path: string;
  content: Buffer;
}

export interface PolicyContext<O> {
  change: Change;
  options: O;
  /** Absolute directory of the work tree or, for bare repositories, the git dir. */
  cwd: string;
  /** Current content of a file version: a fixer's output when one ran earlier in this run, else the blob. */
  read: (file: FileChange) => Promise<Buffer>;
  /** Whether fixers may rewrite content (pre-commit with fixing on). */
  fixing: boolean;
  /** The whole validated config, for policies that read their package's section (`readSection`). */
  config: Config;
  /** A fixer or linter calls it as it starts each file (the `index`th of `total`), so a long run can say where it is. */
  working?: Working;
  /** Where eslint and prettier run their per-file work (worker threads, the lint daemon); this thread without it. */
  tools?: ToolHost;
}

export interface PolicyResult {
  issues: Issue[];
  fixes?: Fix[];
  /** Set when the policy could not apply here (e.g. no staged file to lint); the report shows it as skipped with this reason. */
  skipped?: string;
  /** One line the report always shows (once per run), with the fix: e.g. eslint is not installed, so it did not run. */
  notice?: string;
  /** What the run did, as data for machine-readable reports (JSON): e.g. which database the migrations ran on. */
  details?: Readonly<Record<string, unknown>>;
}

/** A pattern in a policy's options: `key` is where, as a config path below the policy (`allow[0]`). */
export type PatternUse = { key: string; regex: string; flags?: string } | { key: string; glob: string };

/** The entries of an option that holds regular expressions, as pattern uses. */
export function regexUses(key: string, sources: string | readonly string[] | undefined, flags = ""): PatternUse[] {
  if (sources === undefined) return [];
  if (typeof sources === "string") return [{ key, regex: sources, flags }];
  return sources.map((regex, i) => ({ key: `${key}[${i}]`, regex, flags }));
}

/** The entries of an option that holds globs, as pattern uses. */
export function globUses(key: string, globs: readonly string[]): PatternUse[] {
  return globs.map((glob, i) => ({ key: `${key}[${i}]`, glob }));
}

/** Options are a strict object so unknown keys are typos, reported with their path. */
export type OptionsSchema = v.StrictObjectSchema<v.ObjectEntries, undefined>;

export interface Policy<S extends OptionsSchema = OptionsSchema, O = v.InferOutput<S>> {
  id: string;
  /** One line for `shipgate policies` and reports. */
  summary: string;
  /** The stages where it runs unless the config narrows them. */
  stages: readonly Stage[];
  /** Options schema with defaults; the config schema and the JSON Schema are assembled from these. */
  options: S;
  /**
   * Which added lines (`FileChange.addedLines`) it reads: none, all (the default), or only lines where an ASCII
   * pattern matches (see `isAsciiPattern`). The Change keeps only what the running policies read.
   */
  lines?: LineSelection;
  /** Fixers run one after another, before the checks, so each sees the previous one's output. */
  fixer?: boolean;
  /** The npm package it runs from the repository (eslint, prettier): `shipgate policies` says when it is not installed. */
  tool?: string;
  /**
   * Files this policy refuses that fixers must never be handed, whatever the severity (file-size: a file over its
   * limit, which can keep eslint or prettier busy for minutes).
   */
  keepsFromFixers?: (file: FileChange, options: O) => boolean;
  /**
   * The regular expressions and globs its options hold. A server runs a pushed (untrusted) config's entry only when
   * the policy declares them and each can run in linear time; a policy without it is never taken from a pushed config.
   */
  patterns?: (options: O) => PatternUse[];
  check(context: PolicyContext<O>): Promise<PolicyResult> | PolicyResult;
}

/** Keeps a policy's option type tied to its schema. */
export function definePolicy<S extends OptionsSchema>(policy: Policy<S>): Policy<S> {
  return policy;
}

/** A policy with its option type erased, as the registry holds it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the registry is heterogeneous; each policy validates its own options
export type AnyPolicy = Policy<OptionsSchema, any>;
