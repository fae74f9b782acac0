/**
 * commit-message: Conventional Commits as commitlint's config-conventional judges them (same parser, rules,
 * levels and default ignores; the differences are listed in docs/commit-messages.md), at every stage alike.
 */
import * as v from "valibot";
import { definePolicy, regexUses, type Issue } from "./policy.js";
import { isValidRegExp, safeRegExp } from "../regex.js";
import { CONVENTIONAL_FORBIDDEN_CASES, SUBJECT_CASES } from "./commit-message-case.js";
import { defaultIgnoreKinds, type IgnoreKind } from "./commit-message-ignores.js";
import { parseMessage } from "./commit-message-parse.js";
import { DEFAULT_LEVELS, judge, RULE_IDS, type Level, type RuleId, type RuleResult, type RuleSettings } from "./commit-message-rules.js";

/** config-conventional's types. */
const EXAMPLE = "feat(parser): accept trailing commas";

export const DEFAULT_TYPES = ["build", "chore", "ci", "docs", "feat", "fix", "perf", "refactor", "revert", "style", "test"];

const length = (fallback: number) => v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), fallback);
const level = v.optional(v.picklist(["error", "warn", "off"], "expected one of error, warn, off"));
const pattern = v.pipe(
  v.string(),
  v.check((source) => isValidRegExp(source), "expected a valid JavaScript regular expression"),
);

const options = v.strictObject({
  /** Allowed types (type-enum). */
  types: v.optional(v.array(v.string()), DEFAULT_TYPES),
  /** Allowed scopes (scope-enum); empty means any scope. */
  scopes: v.optional(v.array(v.string()), []),
  /** Every header needs a scope (scope-empty). */
  requireScope: v.optional(v.boolean(), false),
  /** Longest header; 0 turns the check off. */
  headerMaxLength: length(100),
  /** Longest body line, lines with a URL excepted; 0 turns the check off. */
  bodyMaxLineLength: length(100),
  /** Longest footer line, lines with a URL excepted; 0 turns the check off. */
  footerMaxLineLength: length(100),
  /** Cases the subject must not be written in (subject-case); empty turns the check off. */
  subjectCase: v.optional(v.array(v.picklist(SUBJECT_CASES, `expected one of ${SUBJECT_CASES.join(", ")}`)), CONVENTIONAL_FORBIDDEN_CASES),
  /** Each rule's level: error refuses (at the policy's severity), warn only reports, off skips it. */
  levels: v.optional(v.strictObject(Object.fromEntries(RULE_IDS.map((id) => [id, level])) as Record<RuleId, typeof level>), {}),
  /** Let through what git, npm and code hosts write: merges, reverts, reapplies, fixups, version-only releases. */
  defaultIgnores: v.optional(v.boolean(), true),
  /** Messages no rule judges: JavaScript regular expressions tested against the whole message. */
  ignore: v.optional(v.array(pattern), []),
  /** With defaultIgnores: let `fixup!`, `squash!` and `amend!` messages through (they are squashed before landing). */
  allowFixup: v.optional(v.boolean(), true),
  /** With defaultIgnores: let merge commits and merge messages through. */
  allowMergeMessages: v.optional(v.boolean(), true),
  /** With defaultIgnores: let git's `Revert "..."` and `Reapply "..."` messages through. */
  allowRevertMessages: v.optional(v.boolean(), true),
});

export type CommitMessageOptions = v.InferOutput<typeof options>;

export default definePolicy({
  id: "commit-message",
  summary: "commit messages follow Conventional Commits as commitlint's config-conventional judges them",
  stages: ["commit-msg", "pre-push", "pre-receive", "ci"],
  options,
  lines: "none",
  patterns: (o) => regexUses("ignore", o.ignore),
  check({ change, options: o }) {
    const issues: Issue[] = [];
    const source = change.message?.source ?? "";
    if (change.message) issues.push(...checkMessage(change.message.text, o).map((issue) => ({ ...issue, path: source })));
    for (const commit of change.commits) {
      if (commit.parents.length > 1 && o.defaultIgnores && o.allowMergeMessages) continue;
      issues.push(...checkMessage(commit.message, o).map((issue) => ({ ...issue, commit: commit.oid })));
    }
    return { issues };
  },
});

/** Checks one message as git stores it (comments already removed); exported for `shipgate check --message`. */
export function checkMessage(message: string, o: CommitMessageOptions): Issue[] {
  return lintMessage(message, o).map(({ rules, level, message: text, fix, line }) => ({
    message: `${text} [${rules.join(", ")}]`,
    fix,
    line,
    ...(level === "warn" ? { severity: "warn" as const } : {}),
  }));
}

export interface LintResult extends RuleResult {
  level: Exclude<Level, "off">;
}

/** The findings with their rule names and levels, or none when the message is ignored. */
export function lintMessage(message: string, o: CommitMessageOptions): LintResult[] {
  if (isIgnored(message, o)) return [];
  const parsed = parseMessage(message);
  if (message.trim() === "" || (parsed.header === null && parsed.body === null && parsed.footer === null)) {
    return [{ rules: ["subject-empty"], level: "error", message: "the commit message is empty", fix: `Write a header such as "${EXAMPLE}".`, line: 1 }];
  }
  const results: LintResult[] = [];
  for (const result of judge(parsed, ruleSettings(o))) {
    const rules = result.rules.filter((rule) => levelOf(rule, o) !== "off");
    if (rules.length === 0) continue;
    results.push({ ...result, rules, level: rules.some((rule) => levelOf(rule, o) === "error") ? "error" : "warn" });
  }
  return results;
}

/** The rules' settings, made once per options object: a push lints thousands of messages with the same options. */
const settings = new WeakMap<CommitMessageOptions, RuleSettings>();
function ruleSettings(o: CommitMessageOptions): RuleSettings {
  let made = settings.get(o);
  if (made === undefined) {
    made = { ...o, allowFixup: o.defaultIgnores && o.allowFixup };
    settings.set(o, made);
  }
  return made;
}

function levelOf(rule: RuleId, o: CommitMessageOptions): Level {
  return o.levels[rule] ?? DEFAULT_LEVELS[rule];
}

function isIgnored(message: string, o: CommitMessageOptions): boolean {
  if (o.ignore.some((source, i) => safeRegExp(source, `policies.commit-message.ignore[${i}]`).test(message))) return true;
  if (!o.defaultIgnores) return false;
  const kinds = defaultIgnoreKinds(message);
  if (kinds.length === 0) return false;
  const allowed: Record<IgnoreKind, boolean> = { merge: o.allowMergeMessages, revert: o.allowRevertMessages, fixup: o.allowFixup, version: true };
  return kinds.some((kind) => allowed[kind]);
}
