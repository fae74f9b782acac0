/** The secrets scanner: well-known token formats, private-key headers, and high-entropy assignments, in bounded windows. */

import type { Severity } from "./policy.js";

/** What a scan needs of the policy's options. */
export interface ScanOptions {
  entropy: { enabled: boolean; threshold: number; minLength: number };
}

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

/** The first characters of a secret, enough to find it, never enough to use it. */
export function redact(value: string): string {
  return `${[...value].slice(0, 4).join("")}…`;
}

/** A test key's severity under `testKeys: warn`; undefined keeps the configured one. */
export function hitSeverity(hit: Hit, testKeys: "error" | "warn" | "off"): Severity | undefined {
  return hit.test && testKeys === "warn" ? "warn" : undefined;
}
