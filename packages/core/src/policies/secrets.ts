/**
 * secrets: no credentials on added lines (well-known token formats, private keys, high-entropy assignments), and none
 * of the well-known formats in binary content or in commit and tag messages.
 */
import * as v from "valibot";
import { definePolicy, globUses, regexUses, type Issue } from "./policy.js";
import type { FileChange } from "../change/types.js";
import { compileGlobs } from "../glob.js";
import { safeRegExp, isValidRegExp } from "../regex.js";
import { KEYWORDS, hitSeverity, redact, scanLine, type Hit } from "./secrets-scan.js";
import { scanBinaryFiles } from "./secrets-binary.js";
import { scanMessages } from "./secrets-messages.js";

export { KEYWORDS, PATTERNS, WINDOW, WINDOW_OVERLAP, redact, scanLine, shannonEntropy, wordLike, type Hit } from "./secrets-scan.js";
export { BINARY_SCAN_BYTES } from "./secrets-binary.js";

const regexSource = v.pipe(
  v.string(),
  v.check((source) => isValidRegExp(source), "expected a valid JavaScript regular expression"),
);

const options = v.strictObject({
  /** Regular expressions of values that are never reported (e.g. known test fixtures). */
  allow: v.optional(v.array(regexSource), []),
  /** Globs of paths that are never scanned. */
  exclude: v.optional(v.array(v.string()), []),
  /** The generic check: a value assigned to a name like password/secret/token is reported when it looks random. */
  entropy: v.optional(
    v.strictObject({
      /** Turns the generic check off; the well-known token formats are always checked. */
      enabled: v.optional(v.boolean(), true),
      /** Shannon entropy in bits per character; random base64 is near 6, English words near 3. */
      threshold: v.optional(v.pipe(v.number(), v.minValue(0)), 3.5),
      /** Shorter values are never reported by the generic check. */
      minLength: v.optional(v.pipe(v.number(), v.integer(), v.minValue(4)), 12),
    }),
    {},
  ),
  /** How test-mode keys (Stripe sk_test_...) are reported: as a warning, like real keys ("error"), or not at all. */
  testKeys: v.optional(v.picklist(["error", "warn", "off"], "expected one of error, warn, off"), "warn"),
  /** Also scan commit messages and annotated tag messages for the well-known formats. */
  messages: v.optional(v.boolean(), true),
});

export type SecretsOptions = v.InferOutput<typeof options>;

const ALLOW_MARKER = "shipgate-allow";
const COMMENT_OPENERS = ["//", "#", "--", "/*", "<!--", ";"];

export default definePolicy({
  id: "secrets",
  summary: "no credentials (token formats, private keys, high-entropy assignments) on added lines, in binaries or in messages",
  stages: ["pre-commit", "commit-msg", "pre-push", "pre-receive", "ci"],
  options,
  // Every pattern's matches contain a keyword, so only lines with one are read (scanLine tests it again).
  lines: KEYWORDS,
  patterns: (o) => [...regexUses("allow", o.allow), ...globUses("exclude", o.exclude)],
  async check({ change, options: o }) {
    const excluded = compileGlobs(o.exclude);
    const allowed = o.allow.map((source, i) => safeRegExp(source, `policies.secrets.allow[${i}]`));
    const keep = (hit: Hit) => !(hit.test && o.testKeys === "off") && !allowed.some((re) => re.test(hit.value));
    const issues: Issue[] = [];
    // Binary content has no lines: git shows no diff for it, so it is read from its blob, in bulk, after this loop.
    const binaries: FileChange[] = [];
    // Indexed loops: a push has tens of thousands of files, and an unoptimised for-of allocates per step.
    for (let i = 0; i < change.files.length; i++) {
      const file = change.files[i] as FileChange;
      if (file.binary) {
        if (file.status !== "D" && file.kind === "file" && !excluded(file.path)) binaries.push(file);
        continue;
      }
      if (file.addedLines.length === 0 || file.status === "D" || file.kind === "submodule" || excluded(file.path)) continue;
      for (const { line, text } of file.addedLines) {
        const found = scanLine(text, o).filter(keep);
        if (found.length === 0) continue;
        const allow = allowComment(text);
        if (allow !== null && allow !== "") continue;
        for (const hit of found) issues.push(toIssue(file, line, hit, allow !== null, o));
      }
    }
    if (binaries.length > 0) for (const issue of await scanBinaryFiles(change.objects, binaries, o, keep)) issues.push(issue);
    if (o.messages) for (const issue of scanMessages(change, o, keep)) issues.push(issue);
    return { issues };
  },
});

/**
 * The reason of a `shipgate-allow secrets: <reason>` comment on the line ("" when it has none), or null when
 * there is no such comment. Plain string operations: no pattern can be made to backtrack over a long line.
 */
export function allowComment(text: string): string | null {
  const at = text.indexOf(ALLOW_MARKER);
  if (at === -1) return null;
  const before = text.slice(0, at);
  if (!COMMENT_OPENERS.some((opener) => before.includes(opener))) return null;
  const rest = text.slice(at + ALLOW_MARKER.length);
  const named = /^\s+secrets\b/.exec(rest);
  if (named === null) return null;
  let reason = rest.slice(named[0].length).trim();
  for (const closer of ["*/", "-->"]) if (reason.endsWith(closer)) reason = reason.slice(0, -closer.length).trim();
  return reason.startsWith(":") ? reason.slice(1).trim() : reason;
}

function toIssue(file: FileChange, line: number, hit: Hit, reasonMissing: boolean, o: SecretsOptions): Issue {
  const shown = hit.kind === "private key" ? "" : ` (${redact(hit.value)})`;
  const severity = reasonMissing ? "error" : hitSeverity(hit, o.testKeys);
  const issue: Issue = {
    path: file.path,
    line,
    column: hit.column,
    ...(file.commit !== null ? { commit: file.commit } : {}),
    ...(severity !== undefined ? { severity } : {}),
    message: reasonMissing
      ? `${hit.kind} found${shown}, and the shipgate-allow comment on this line has no reason: a reason is mandatory`
      : `${hit.kind} found on an added line${shown}`,
    fix: reasonMissing ? 'Say why after the colon, e.g. "# shipgate-allow secrets: revoked key kept as a parser fixture".' : fixFor(file, hit),
  };
  return issue;
}

function fixFor(file: FileChange, hit: Hit): string {
  const store = "read it from an environment variable or a secret store instead";
  const allow = 'if it is not a secret, end the line with a comment "shipgate-allow secrets: <reason>"';
  if (hit.test) return `Test keys are still credentials: ${store}; ${allow}.`;
  if (file.commit === null) return `Remove it from the staged file and ${store}; rotate it if it was ever shared; ${allow}.`;
  return `Rotate the credential now (it is in commit history), remove it from the commits (git rebase -i, or git filter-repo for older history) and ${store}; ${allow}.`;
}
