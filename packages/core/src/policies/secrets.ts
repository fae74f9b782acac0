/** secrets: no credentials on added lines: well-known token formats, private keys, and high-entropy assignments. */
import * as v from "valibot";
import { definePolicy, type Issue, type Severity } from "./policy.js";
import type { FileChange } from "../change/types.js";
import { compileGlobs } from "../glob.js";
import { safeRegExp, isValidRegExp } from "../regex.js";

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
});

export type SecretsOptions = v.InferOutput<typeof options>;

/**
 * Every pattern has a literal or short-class prefix and only bounded quantifiers, so the work per start
 * position is bounded and a scan is linear in the line length; no match is longer than WINDOW_OVERLAP.
 */
interface Rule {
  kind: string;
  pattern: RegExp;
  /** Capture group holding the secret (0 = whole match). */
  group?: number;
  test?: boolean;
}

const RULES: readonly Rule[] = [
  { kind: "AWS access key id", pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g },
  {
    kind: "AWS secret access key",
    pattern: /(?:aws[_-]?secret[_-]?(?:access[_-]?)?key|secret[_-]?access[_-]?key)["']?\s{0,4}(?::=|=>|[:=])\s{0,4}["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/gi,
    group: 1,
  },
  { kind: "GitHub token", pattern: /\bgh[pousr]_[A-Za-z0-9]{36,251}\b/g },
  { kind: "GitHub fine-grained token", pattern: /\bgithub_pat_[A-Za-z0-9_]{60,255}/g },
  { kind: "GitLab token", pattern: /\b(?:glpat|gldt|glrt|glptt|glft|glimt|glcbt|glsoat|glagent|gloas)-[A-Za-z0-9_-]{20,64}/g },
  { kind: "Slack token", pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,250}/g },
  { kind: "Slack webhook URL", pattern: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/+-]{20,200}/g },
  { kind: "Stripe live key", pattern: /\b[sr]k_live_[A-Za-z0-9]{20,247}/g },
  { kind: "Stripe test key", pattern: /\b[sr]k_test_[A-Za-z0-9]{20,247}/g, test: true },
  { kind: "Stripe webhook secret", pattern: /\bwhsec_[A-Za-z0-9+/]{24,64}/g },
  { kind: "Google API key", pattern: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g },
  { kind: "Google service-account key id", pattern: /"private_key_id"\s{0,4}:\s{0,4}"([a-f0-9]{40})"/g, group: 1 },
  { kind: "private key", pattern: /-----BEGIN[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----/g },
  { kind: "npm token", pattern: /\bnpm_[A-Za-z0-9]{36}\b/g },
  { kind: "npm auth token", pattern: /_authToken\s{0,4}=\s{0,4}([A-Za-z0-9-]{36})\b/g, group: 1 },
  { kind: "JSON Web Token", pattern: /\beyJ[A-Za-z0-9_-]{10,200}\.eyJ[A-Za-z0-9_-]{10}/g },
];

/**
 * Every match of every pattern above and below contains one of these keywords (case-insensitively), so a line
 * without any is skipped with one scan instead of one per pattern: most added lines are ordinary code. The
 * alternatives are grouped by their first letter, which makes the scan about a third faster.
 * secrets.test.ts checks that every pattern's matches in its samples contain a keyword.
 */
export const KEYWORDS =
  /a(?:kia|sia|bia|cca|iza|pi[_-]?key|ccess[_-]?key|uth[_-]?key)|secret|g(?:h[pousr]_|ithub_pat_|l(?:pat|dt|rt|ptt|ft|imt|cbt|soat|agent|oas)-)|xox[abprs]-|hooks\.slack\.com|k_(?:live|test)_|whsec_|p(?:rivate[ _-]?key|assw(?:or)?d|wd)|npm_|token|eyj|credential|:\/\//i;

/** `password = "..."`, `API_KEY: ...`, `"client_secret": "..."`: the value is judged by entropy. */
const ASSIGNMENT =
  /(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|auth[_-]?key|private[_-]?key|credentials?)[\w.-]{0,32}["']?\s{0,4}(?::=|=>|[:=])\s{0,4}/gi;
/** `scheme://user:password@host`. */
const URL_PASSWORD = /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s/:@"']{1,64}:([^\s/:@"']{1,128})@/gi;
/** Every pattern the scan runs, for the keyword coverage test. */
export const PATTERNS: readonly { kind: string; pattern: RegExp }[] = [
  ...RULES,
  { kind: "high-entropy value assigned to a secret-like name", pattern: ASSIGNMENT },
  { kind: "password in a URL", pattern: URL_PASSWORD },
];
const PLACEHOLDER = /example|changeme|change_me|placeholder|dummy|redacted|your[_-]|xxxx|\*\*\*|\.\.\.|(.)\1{7}/i;

/**
 * Lines are scanned in windows of WINDOW characters that overlap by WINDOW_OVERLAP, so a minified bundle
 * or a hostile megabyte-long line costs time linear in its length whatever a pattern does, and a secret
 * cannot hide behind padding. Each window reports only matches that start before the next window begins.
 */
export const WINDOW = 4096;
export const WINDOW_OVERLAP = 1024;
const MAX_VALUE = 256;
const BARE_VALUE = /[^\s"'`,;()[\]{}<>]{1,256}/y;
const ALLOW_MARKER = "shipgate-allow";
const COMMENT_OPENERS = ["//", "#", "--", "/*", "<!--", ";"];

export default definePolicy({
  id: "secrets",
  summary: "no credentials (token formats, private keys, high-entropy assignments) on added lines",
  stages: ["pre-commit", "pre-push", "pre-receive", "ci"],
  options,
  // Every pattern's matches contain a keyword, so only lines with one are read (scanLine tests it again).
  lines: KEYWORDS,
  check({ change, options: o }) {
    const excluded = compileGlobs(o.exclude);
    const allowed = o.allow.map((source, i) => safeRegExp(source, `policies.secrets.allow[${i}]`));
    const issues: Issue[] = [];
    // Indexed loops: a push has tens of thousands of files, and an unoptimised for-of allocates per step.
    for (let i = 0; i < change.files.length; i++) {
      const file = change.files[i] as FileChange;
      if (file.addedLines.length === 0 || file.status === "D" || file.binary || file.kind === "submodule" || excluded(file.path)) continue;
      for (const { line, text } of file.addedLines) {
        const found = scanLine(text, o).filter((hit) => !(hit.test && o.testKeys === "off") && !allowed.some((re) => re.test(hit.value)));
        if (found.length === 0) continue;
        const allow = allowComment(text);
        if (allow !== null && allow !== "") continue;
        for (const hit of found) issues.push(toIssue(file, line, hit, allow !== null, o));
      }
    }
    return { issues };
  },
});

export interface Hit {
  kind: string;
  value: string;
  /** 1-based column of the match. */
  column: number;
  test: boolean;
}

/** All secrets on one line, in order of position. */
export function scanLine(text: string, o: SecretsOptions): Hit[] {
  if (!KEYWORDS.test(text)) return [];
  const hits: Hit[] = [];
  for (let start = 0; start < text.length; start += WINDOW - WINDOW_OVERLAP) {
    const last = start + WINDOW >= text.length;
    const window = text.slice(start, start + WINDOW);
    const owned = last ? window.length : WINDOW - WINDOW_OVERLAP;
    for (const hit of scanWindow(window, o)) if (hit.column - 1 < owned) hits.push({ ...hit, column: hit.column + start });
    if (last) break;
  }
  return hits.sort((a, b) => a.column - b.column);
}

function scanWindow(text: string, o: SecretsOptions): Hit[] {
  const hits: Hit[] = [];
  for (const rule of RULES) {
    for (const match of text.matchAll(rule.pattern)) {
      const value = match[rule.group ?? 0] ?? "";
      if (rule.kind !== "private key" && PLACEHOLDER.test(value)) continue;
      hits.push({ kind: rule.kind, value, column: match.index + 1, test: rule.test === true });
    }
  }
  if (!o.entropy.enabled) return hits;
  const taken = (value: string) => hits.some((hit) => hit.value.includes(value) || value.includes(hit.value));
  // Resume after each value read, so overlapping names (`password=password=...`) never make a line quadratic.
  ASSIGNMENT.lastIndex = 0;
  for (let match = ASSIGNMENT.exec(text); match !== null; match = ASSIGNMENT.exec(text)) {
    const { value, end } = readValue(text, match.index + match[0].length);
    ASSIGNMENT.lastIndex = Math.max(end, ASSIGNMENT.lastIndex);
    if (value !== null && looksRandom(value, o.entropy.minLength, o.entropy.threshold) && !taken(value))
      hits.push({ kind: "high-entropy value assigned to a secret-like name", value, column: match.index + 1, test: false });
  }
  for (const match of text.matchAll(URL_PASSWORD)) {
    const value = match[1] ?? "";
    if (looksRandom(value, 8, o.entropy.threshold)) hits.push({ kind: "password in a URL", value, column: match.index + 1, test: false });
  }
  return hits;
}

/** The literal after `=`/`:` and where it ends: a quoted string or a bare run of value characters; null for expressions. */
function readValue(text: string, at: number): { value: string | null; end: number } {
  const quote = text[at];
  if (quote === '"' || quote === "'" || quote === "`") {
    // Bounded search: a value never spans more than MAX_VALUE characters, which keeps the scan linear.
    const close = text.slice(at + 1, at + 2 + MAX_VALUE).indexOf(quote);
    if (close === -1) return { value: null, end: at + 1 };
    const value = text.slice(at + 1, at + 1 + close);
    const template = value.includes("${") || value.includes("{{") || value.includes("%(") || (value.startsWith("<") && value.endsWith(">"));
    return { value: template ? null : value, end: at + close + 2 };
  }
  if (quote === "=" || quote === "$") return { value: null, end: at };
  BARE_VALUE.lastIndex = at;
  const value = BARE_VALUE.exec(text)?.[0] ?? null;
  const end = at + (value?.length ?? 0);
  // `process.env.TOKEN`, `config?.apiKey`, `DEFAULT_TOKEN_NAME`: references to other values, not literals.
  if (value === null || /^[A-Za-z_$][\w$]*(?:\??\.[\w$]*)+$/.test(value) || /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(value)) return { value: null, end };
  return { value, end };
}

function looksRandom(value: string, minLength: number, threshold: number): boolean {
  if (value.length < minLength || PLACEHOLDER.test(value) || /^[A-Za-z]+$/.test(value)) return false;
  return shannonEntropy(value) >= threshold;
}

/** Bits per character of the value's own character distribution. */
export function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const length = [...value].length;
  let bits = 0;
  for (const count of counts.values()) bits -= (count / length) * Math.log2(count / length);
  return bits;
}

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

export function redact(value: string): string {
  return `${[...value].slice(0, 4).join("")}…`;
}

function toIssue(file: FileChange, line: number, hit: Hit, reasonMissing: boolean, o: SecretsOptions): Issue {
  const shown = hit.kind === "private key" ? "" : ` (${redact(hit.value)})`;
  const severity: Severity | undefined = reasonMissing ? "error" : hit.test && o.testKeys === "warn" ? "warn" : undefined;
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
