/** subject-case as commitlint's `@commitlint/ensure` judges it: quoted words removed, then compared with each case. */

export const SUBJECT_CASES = ["sentence-case", "start-case", "pascal-case", "upper-case", "lower-case"] as const;
export type SubjectCase = (typeof SUBJECT_CASES)[number];

/** config-conventional forbids these. */
export const CONVENTIONAL_FORBIDDEN_CASES: SubjectCase[] = ["sentence-case", "start-case", "pascal-case", "upper-case"];

// commitlint judges only subjects that start with a cased letter (any script); digits, emoji and quotes pass.
const STARTS_WITH_CASED_LETTER = /^[\p{Ll}\p{Lu}\p{Lt}]/iu;
const WORDS = /\p{Lu}?\p{Ll}+|[0-9]+|\p{Lu}+(?!\p{Ll})|\p{L}+/gu;

/** The first forbidden case the subject is written in, or null. */
export function forbiddenCaseOf(subject: string | null, forbidden: readonly SubjectCase[]): SubjectCase | null {
  if (subject === null || forbidden.length === 0 || !STARTS_WITH_CASED_LETTER.test(subject)) return null;
  // Quoted text may be a proper name: "refactor: `Eslint` config" is judged as "refactor: config".
  const text = subject.replace(/`.*?`|".*?"|'.*?'/g, "").trim();
  // Most subjects start with an ASCII lower-case letter, which every case but lower case turns upper case: the text is
  // then in none of them, and the Unicode word split (most of a long push's time here) is not needed to say so.
  const first = text.charCodeAt(0);
  const lowerStart = first >= 0x61 && first <= 0x7a;
  return forbidden.find((kind) => (lowerStart && kind !== "lower-case" ? false : isWrittenIn(text, kind))) ?? null;
}

function isWrittenIn(text: string, kind: SubjectCase): boolean {
  const converted = convert(text, kind);
  return converted === "" || /^\d/.test(converted) || converted === text;
}

function convert(text: string, kind: SubjectCase): string {
  switch (kind) {
    case "sentence-case":
      return text.substring(0, 1).toUpperCase() + text.substring(1);
    case "upper-case":
      return text.toUpperCase();
    case "lower-case":
      return text.toLowerCase();
    case "start-case":
      return words(text)
        .map((word) => upperFirstCodePoint(word))
        .join(" ");
    case "pascal-case":
      return words(text)
        .map((word) => upperFirstCodePoint(word.toLowerCase()))
        .join("");
  }
}

function words(text: string): string[] {
  return text.match(WORDS) ?? [];
}

function upperFirstCodePoint(word: string): string {
  const first = String.fromCodePoint(word.codePointAt(0) ?? 0);
  return first.toUpperCase() + word.slice(first.length);
}
