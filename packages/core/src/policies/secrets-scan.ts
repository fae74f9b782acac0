/** The secrets scanner: well-known token formats, private-key headers, and high-entropy assignments, in bounded windows. */

import type { Severity } from "./policy.js";
import { SECRET_NAME, findAssignments } from "./secrets-assignment.js";
import { KNOWN_PLACEHOLDER, looksRandom } from "./secrets-value.js";

export { shannonEntropy, wordLike } from "./secrets-value.js";

/** What a scan needs of the policy's options. */
export interface ScanOptions {
  entropy: { enabled: boolean; threshold: number; minLength: number };
}

/** The generic rule's kind: a literal assigned to a secret-like name, judged random (secrets-assignment.ts, secrets-value.ts). */
const GENERIC = "high-entropy value assigned to a secret-like name";

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

/** `scheme://user:password@host`. */
const URL_PASSWORD = /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s/:@"']{1,64}:([^\s/:@"']{1,128})@/gi;
/** Every pattern the scan runs, for the keyword coverage test. */
export const PATTERNS: readonly { kind: string; pattern: RegExp }[] = [
  ...RULES,
  { kind: GENERIC, pattern: SECRET_NAME },
  { kind: "password in a URL", pattern: URL_PASSWORD },
];

/**
 * Lines are scanned in windows of WINDOW characters that overlap by WINDOW_OVERLAP, so a minified bundle
 * or a hostile megabyte-long line costs time linear in its length whatever a pattern does, and a secret
 * cannot hide behind padding. Each window reports only matches that start before the next window begins.
 */
export const WINDOW = 4096;
export const WINDOW_OVERLAP = 1024;

export interface Hit {
  kind: string;
  value: string;
  /** 1-based column of the match. */
  column: number;
  test: boolean;
}

/**
 * All secrets on one line (or in any text, such as binary content read as latin1), in order of position. A window
 * without a keyword is skipped: every match lies whole inside the window that owns its start, keyword included.
 */
export function scanLine(text: string, o: ScanOptions): Hit[] {
  if (!KEYWORDS.test(text)) return [];
  const hits: Hit[] = [];
  const single = text.length <= WINDOW;
  for (let start = 0; start < text.length; start += WINDOW - WINDOW_OVERLAP) {
    const last = start + WINDOW >= text.length;
    const window = single ? text : text.slice(start, start + WINDOW);
    const owned = last ? window.length : WINDOW - WINDOW_OVERLAP;
    if (single || KEYWORDS.test(window)) for (const hit of scanWindow(window, o)) if (hit.column - 1 < owned) hits.push({ ...hit, column: hit.column + start });
    if (last) break;
  }
  return hits.sort((a, b) => a.column - b.column);
}

/** The same scan with the well-known formats only (no entropy check): for binary content and messages. */
export function scanKnownFormats(text: string, o: ScanOptions): Hit[] {
  return scanLine(text, { ...o, entropy: { ...o.entropy, enabled: false } });
}

function scanWindow(text: string, o: ScanOptions): Hit[] {
  const hits: Hit[] = [];
  for (const rule of RULES) {
    for (const match of text.matchAll(rule.pattern)) {
      const value = match[rule.group ?? 0] ?? "";
      if (rule.kind !== "private key" && KNOWN_PLACEHOLDER.test(value)) continue;
      hits.push({ kind: rule.kind, value, column: match.index + 1, test: rule.test === true });
    }
  }
  if (!o.entropy.enabled) return hits;
  const taken = (value: string) => hits.some((hit) => hit.value.includes(value) || value.includes(hit.value));
  for (const { value, column } of findAssignments(text)) {
    if (looksRandom(value, o.entropy.minLength, o.entropy.threshold) && !taken(value)) hits.push({ kind: GENERIC, value, column, test: false });
  }
  for (const match of text.matchAll(URL_PASSWORD)) {
    const value = match[1] ?? "";
    if (looksRandom(value, 8, o.entropy.threshold)) hits.push({ kind: "password in a URL", value, column: match.index + 1, test: false });
  }
  return hits;
}

/** The first characters of a secret, enough to find it, never enough to use it. */
export function redact(value: string): string {
  return `${[...value].slice(0, 4).join("")}…`;
}

/** A test key's severity under `testKeys: warn`; undefined keeps the configured one. */
export function hitSeverity(hit: Hit, testKeys: "error" | "warn" | "off"): Severity | undefined {
  return hit.test && testKeys === "warn" ? "warn" : undefined;
}
