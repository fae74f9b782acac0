/**
 * Whether a value assigned to a secret-like name is a credential: long enough, random enough, and neither a
 * placeholder, a fixture made of words, an identifier, a path nor a URL. See docs/secrets.md for the measured rates.
 */

/** Placeholders in documentation and samples; also used for the well-known formats (see KNOWN_PLACEHOLDER). */
const PLACEHOLDER = /example|changeme|change_me|placeholder|dummy|redacted|your[_-]|xxxx|\*\*\*|\.\.\.|(.)\1{7}/i;
/**
 * Words that mark a test fixture when they stand as a word of the value (`fake-key-1`, `mock_secret`): a random token
 * holds such a word between separators with a probability far below one in a million.
 */
const FIXTURE_WORD = /(?:^|[^A-Za-z])(?:test|testing|fake|mock|mocked|sample|fixture|invalid|not[_-]?a[_-]?real)(?:[^a-z]|$)/i;
/** A URL without a password (one with a password is the URL rule's) and a call (`url('./icon.png')`) are not secrets. */
const URL_VALUE = /^[a-z][a-z0-9+.-]{1,20}:\/\//i;
const CALL = /\w\(.*\)/;
/** A regular expression: a character range (`[A-Za-z0-9]`), a counted repeat (`{36}`, `{8,}`) or a class escape. */
const REGEX = /\[[^\]]*\w-\w[^\]]*\]|\{\d+(?:,\d*)?\}|\\[dDwWsS]/;

/**
 * Letter pairs of English words: for each first letter a..z, the second letters that, together, make up 99% of the
 * letter pairs in the words of the README files installed in this repository's node_modules (2.4 MB of English,
 * counted once). A random string breaks this table within a few letters; `refreshed`, `token`, `value` never do.
 */
const ENGLISH_PAIRS: readonly string[] = [
  "bcdfgijklmnprstuvwxy",
  "aceijlorstuy",
  "acehiklorstuy",
  "adegilmorstu",
  "abcdefghijlmnopqrstuvwxy",
  "aefilorstuy",
  "aehilmnorsu",
  "aeilmorstu",
  "abcdefgklmnoprstvxz",
  "aeosuv",
  "aeis",
  "adeiklopstuvy",
  "abegijlmnopsuv",
  "abcdefgiklmnopstuvy",
  "abcdefgijklmnoprstuvwy",
  "adeghilmnoprstuy",
  "lu",
  "abcdefghiklmnoprstuvwy",
  "acdefhiklmnopqrstuvwy",
  "acdeghilmnoprstuwy",
  "abcdegilmnprst",
  "aegir",
  "aehinorsw",
  "aceipt",
  "aelmnoprstw",
  "e",
];
/** Two-letter words common in identifiers (`userId`, `my-app`, `db_password`). */
const SHORT_WORDS = new Set([
  "id",
  "io",
  "is",
  "to",
  "of",
  "on",
  "in",
  "at",
  "by",
  "db",
  "ok",
  "up",
  "fs",
  "js",
  "ts",
  "os",
  "ui",
  "my",
  "no",
  "me",
  "we",
  "go",
  "do",
]);

/** The judgement of the generic rule: true when `value` looks like a credential rather than code, words or a sample. */
export function looksRandom(value: string, minLength: number, threshold: number): boolean {
  if (value.length < minLength || /\s/.test(value) || URL_VALUE.test(value) || CALL.test(value) || REGEX.test(value)) return false;
  if (PLACEHOLDER.test(value) || FIXTURE_WORD.test(value) || wordLike(value)) return false;
  return shannonEntropy(value) >= threshold;
}

/** Placeholders of the well-known formats (`AKIA…EXAMPLE`, `ghp_xxxxxxxx…`): no pattern a random token holds. */
export const KNOWN_PLACEHOLDER = /example|changeme|placeholder|dummy|redacted|(.)\1{7}/i;

/**
 * True when the value reads as words: split at separators, camelCase and digits, its letter parts are English-like
 * (a vowel, and letter pairs from ENGLISH_PAIRS; or a common two-letter word) for at least three quarters of their
 * letters, with at most one other part of up to four letters (an acronym: `MD5`, `TTS`) between separators, and one
 * number of up to four digits. `refreshed-token-123`, `./lib/tokenize.js`, `AuthenticationMD5Password` and
 * `cargo_api_token` are word-like; random tokens almost never are (rates in docs/secrets.md).
 */
export function wordLike(value: string): boolean {
  let words = 0;
  let others = 0;
  for (const chunk of value.split(/[^A-Za-z0-9]+/)) {
    if (chunk.length <= 1 || /^\d+$/.test(chunk)) continue;
    let numbers = 0;
    let strangers = 0;
    for (const part of chunk.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g) ?? []) {
      if (/^\d/.test(part)) {
        if (part.length > 4 || ++numbers > 1) return false;
      } else if (englishLike(part)) words += part.length;
      else if ((part.length <= 3 || /^[A-Z]{4}$/.test(part)) && ++strangers <= 1) others += part.length;
      else return false;
    }
  }
  return words >= 3 * others;
}

function englishLike(part: string): boolean {
  const word = part.toLowerCase();
  if (word.length <= 2) return SHORT_WORDS.has(word);
  if (!/[aeiouy]/.test(word)) return false;
  let rare = 0;
  for (let i = 0; i + 1 < word.length; i++) if (ENGLISH_PAIRS[word.charCodeAt(i) - 97]?.includes(word[i + 1] as string) !== true) rare++;
  // One pair in five may be rare: compound words and names (`postfix`, `buffer`, `unknown`) have one.
  return rare <= Math.floor((word.length - 1) / 5);
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
