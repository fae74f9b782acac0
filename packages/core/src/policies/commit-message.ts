/** commit-message: Conventional Commits headers, parsed by conventional-commits-parser. */
import * as v from "valibot";
import { CommitParser } from "conventional-commits-parser";
import { definePolicy, type Issue } from "./policy.js";
import type { CommitInfo } from "../change/types.js";

export const DEFAULT_TYPES = ["feat", "fix", "docs", "style", "refactor", "perf", "test", "build", "ci", "chore", "revert"];

const options = v.strictObject({
  /** Allowed types. */
  types: v.optional(v.array(v.string()), DEFAULT_TYPES),
  /** Allowed scopes; empty means any scope. */
  scopes: v.optional(v.array(v.string()), []),
  requireScope: v.optional(v.boolean(), false),
  headerMaxLength: v.optional(v.pipe(v.number(), v.integer(), v.minValue(10)), 100),
  /** Longest body or footer line; 0 turns the check off. */
  bodyMaxLineLength: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 0),
  /** Accept `fixup!`, `squash!` and `amend!` messages (they are meant to be squashed before landing). */
  allowFixup: v.optional(v.boolean(), true),
  /** Accept git's default merge and revert messages. */
  allowMergeMessages: v.optional(v.boolean(), true),
  allowRevertMessages: v.optional(v.boolean(), true),
});

const HEADER = /^(\w[\w-]*)(?:\(([^()\r\n]*)\))?(!)?: (.*)$/;
const MERGE = /^Merge (?:branch|branches|remote-tracking branch|tag|commit|pull request|[0-9a-f]{7,64}|'.+?')\b/;
const REVERT = /^Revert "[\s\S]+"/;
const FIXUP = /^(?:fixup|squash|amend)! /;
const EXAMPLE = "feat(parser): accept trailing commas";

export type CommitMessageOptions = v.InferOutput<typeof options>;

export default definePolicy({
  id: "commit-message",
  summary: "commit messages follow Conventional Commits (type(scope)!: subject)",
  stages: ["commit-msg", "pre-push", "pre-receive", "ci"],
  options,
  lines: "none",
  check({ change, options: o }) {
    const issues: Issue[] = [];
    if (change.message) issues.push(...checkMessage(change.message.text, o).map((i) => ({ ...i, path: change.message?.source ?? "" })));
    for (let i = 0; i < change.commits.length; i++) {
      const commit = change.commits[i] as CommitInfo;
      if (commit.parents.length > 1 && o.allowMergeMessages) continue;
      issues.push(...checkMessage(commit.message, o).map((i) => ({ ...i, commit: commit.oid })));
    }
    return { issues };
  },
});

/** Checks one (already cleaned) message; exported for `shipgate check --message`. */
export function checkMessage(message: string, o: CommitMessageOptions): Issue[] {
  const text = message.replace(/\r\n/g, "\n").replace(/^\s*\n/, "");
  const header = text.split("\n")[0]?.trimEnd() ?? "";
  if (header === "") return [{ message: "the commit message is empty", fix: `Write a header such as "${EXAMPLE}".` }];
  if (o.allowFixup && FIXUP.test(header)) return [];
  if (o.allowMergeMessages && MERGE.test(header)) return [];
  if (o.allowRevertMessages && REVERT.test(header)) return [];
  const issues: Issue[] = [];
  const at = { line: 1 };
  const match = HEADER.exec(header);
  if (!match) {
    return [
      {
        ...at,
        message: `header "${truncate(header)}" is not a Conventional Commit`,
        fix: `Use "type(scope): subject", e.g. "${EXAMPLE}"; types: ${o.types.join(", ")}.`,
      },
    ];
  }
  const [, type = "", scope, , subject = ""] = match;
  if (!o.types.includes(type)) {
    const near = o.types.find((t) => t.toLowerCase() === type.toLowerCase());
    issues.push({ ...at, message: `type "${type}" is not allowed`, fix: near ? `Write "${near}" in lower case.` : `Use one of: ${o.types.join(", ")}.` });
  }
  if (scope !== undefined && scope.trim() === "") issues.push({ ...at, message: "the scope is empty", fix: "Remove the parentheses or name the scope." });
  if (scope === undefined && o.requireScope) issues.push({ ...at, message: "a scope is required", fix: `Add one: "${type}(scope): ${subject}".` });
  if (scope !== undefined && scope.trim() !== "" && o.scopes.length > 0) {
    for (const s of scope.split(/[,/]/).map((x) => x.trim())) {
      if (!o.scopes.includes(s)) issues.push({ ...at, message: `scope "${s}" is not allowed`, fix: `Use one of: ${o.scopes.join(", ")}.` });
    }
  }
  if (subject.trim() === "") issues.push({ ...at, message: "the subject is empty", fix: `Say what the change does after the colon: "${type}: ${"add ..."}".` });
  if (/\.\s*$/.test(subject)) issues.push({ ...at, message: "the subject ends with a full stop", fix: "Remove the trailing period." });
  if (header.length > o.headerMaxLength)
    issues.push({
      ...at,
      message: `the header is ${header.length} characters long (at most ${o.headerMaxLength})`,
      fix: "Shorten the subject; put details in the body.",
    });
  const lines = text.split("\n");
  if (lines.length > 1 && (lines[1] ?? "").trim() !== "")
    issues.push({ line: 2, message: "the body does not start after a blank line", fix: "Leave the second line empty." });
  if (o.bodyMaxLineLength > 0) {
    lines.slice(2).forEach((line, i) => {
      if (line.length > o.bodyMaxLineLength && !/^\S+:\/\/\S+$/.test(line.trim()))
        issues.push({ line: i + 3, message: `line ${i + 3} is ${line.length} characters long (at most ${o.bodyMaxLineLength})`, fix: "Wrap the body." });
    });
  }
  // "!" alone marks a breaking change (the spec allows it without a footer); a footer must still be well formed.
  issues.push(...checkBreaking(text));
  return issues;
}

function checkBreaking(text: string): Issue[] {
  // Both checks below need these words; most messages have none, and the parser is costly on long histories.
  if (!/breaking[ -]change/i.test(text)) return [];
  const parsed = new CommitParser({
    headerPattern: HEADER,
    headerCorrespondence: ["type", "scope", "breaking", "subject"],
    noteKeywords: ["BREAKING CHANGE", "BREAKING-CHANGE"],
  }).parse(text);
  const issues: Issue[] = [];
  const lines = text.split("\n");
  lines.forEach((line, index) => {
    if (index === 0) return;
    if (/^breaking[ -]changes?\s*:/i.test(line) && !/^BREAKING[ -]CHANGE: /.test(line)) {
      issues.push({
        line: index + 1,
        message: `"${truncate(line)}" is not a valid breaking-change footer`,
        fix: 'Write it exactly as "BREAKING CHANGE: <what breaks>" (upper case, a colon and a space).',
      });
    }
  });
  for (const note of parsed.notes) {
    if (note.text.trim() === "") issues.push({ message: `the ${note.title} footer is empty`, fix: `Describe what breaks after "${note.title}: ".` });
  }
  return issues;
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
