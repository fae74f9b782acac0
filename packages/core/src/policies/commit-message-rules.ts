/**
 * The rules of commitlint's config-conventional, with its names and levels, plus shipgate's scope and
 * breaking-change rules; each judges a parsed message and says what is wrong and how to fix it.
 */
import { forbiddenCaseOf, type SubjectCase } from "./commit-message-case.js";
import { toLines, type ParsedMessage } from "./commit-message-parse.js";

export type Level = "error" | "warn" | "off";

/** config-conventional's levels; the scope rules run only when `requireScope` or `scopes` ask for them. */
export const DEFAULT_LEVELS = {
  "type-empty": "error",
  "type-case": "error",
  "type-enum": "error",
  "scope-empty": "error",
  "scope-enum": "error",
  "subject-empty": "error",
  "subject-case": "error",
  "subject-full-stop": "error",
  "header-max-length": "error",
  "header-trim": "error",
  "body-leading-blank": "warn",
  "body-max-line-length": "error",
  "footer-leading-blank": "warn",
  "footer-max-line-length": "error",
  /** shipgate's own: `BREAKING CHANGE: <what breaks>`, upper case, with a colon and a text. */
  "breaking-change-footer": "off",
} as const satisfies Record<string, Level>;

export type RuleId = keyof typeof DEFAULT_LEVELS;
export const RULE_IDS = Object.keys(DEFAULT_LEVELS) as RuleId[];

export interface RuleSettings {
  types: readonly string[];
  scopes: readonly string[];
  requireScope: boolean;
  headerMaxLength: number;
  bodyMaxLineLength: number;
  footerMaxLineLength: number;
  subjectCase: readonly SubjectCase[];
  /** Fixups are judged only when they are not let through; their finding then says to squash them. */
  allowFixup: boolean;
}

/** One finding of one or more rules (a header that does not parse fails type-empty and subject-empty at once). */
export interface RuleResult {
  rules: RuleId[];
  message: string;
  fix: string;
  line: number;
}

const EXAMPLE = "feat(parser): accept trailing commas";
const URL_IN_LINE = /\bhttps?:\/\/\S+/;
const SCOPE_DELIMITERS = /\/|\\|, ?/;
const FIXUP = /^(?:amend|fixup|squash)!/;

/** Every rule's findings, in the order commitlint's config lists them; levels are applied by the caller. */
export function judge(parsed: ParsedMessage, s: RuleSettings): RuleResult[] {
  return [...judgeHeader(parsed, s), ...judgeBody(parsed, s), ...judgeFooter(parsed, s)];
}

function judgeHeader(p: ParsedMessage, s: RuleSettings): RuleResult[] {
  const out: RuleResult[] = [];
  const at = (rules: RuleId[], message: string, fix: string) => out.push({ rules, message, fix, line: 1 });
  const header = p.header ?? "";
  if (p.type === null && p.subject === null) {
    const fixup = FIXUP.test(header) && !s.allowFixup;
    at(
      ["type-empty", "subject-empty"],
      `header "${truncate(header)}" is not a Conventional Commit`,
      fixup
        ? "Squash it into the commit it fixes before it lands: git rebase -i --autosquash."
        : `Use "type(scope): subject", e.g. "${EXAMPLE}"; types: ${s.types.join(", ")}.`,
    );
  } else if (p.type === null) at(["type-empty"], "the header has no type", `Start it with one of: ${s.types.join(", ")}.`);
  else if (p.subject === null) at(["subject-empty"], "the subject is empty", `Say what the change does after the colon: "${p.type}: add ...".`);
  if (p.type !== null) {
    const lower = p.type.toLowerCase();
    if (lower !== p.type && !/^\d/.test(lower)) at(["type-case"], `type "${p.type}" is not in lower case`, `Write "${lower}".`);
    if (!s.types.includes(p.type)) {
      const near = s.types.find((t) => t === lower);
      at(["type-enum"], `type "${p.type}" is not allowed`, near ? `Write "${near}" in lower case.` : `Use one of: ${s.types.join(", ")}.`);
    }
  }
  if (s.requireScope && !p.scope) at(["scope-empty"], "a scope is required", `Add one: "${p.type ?? "feat"}(scope): ${p.subject ?? "..."}".`);
  if (p.scope && s.scopes.length > 0 && !s.scopes.includes(p.scope)) {
    const unknown = p.scope.split(SCOPE_DELIMITERS).filter((part) => !s.scopes.includes(part));
    if (unknown.length > 0) at(["scope-enum"], `scope "${unknown.join('", "')}" is not allowed`, `Use one of: ${s.scopes.join(", ")}.`);
  }
  const wrongCase = forbiddenCaseOf(p.subject, s.subjectCase);
  if (wrongCase !== null && p.subject !== null)
    at(["subject-case"], `the subject "${truncate(p.subject)}" is in ${wrongCase.replace("-", " ")}`, `Start it in lower case: "${lowerFirst(p.subject)}".`);
  if (endsWithFullStop(p.header)) at(["subject-full-stop"], "the subject ends with a full stop", "Remove the trailing period.");
  if (p.header !== null && s.headerMaxLength > 0 && p.header.length > s.headerMaxLength)
    at(
      ["header-max-length"],
      `the header is ${p.header.length} characters long (at most ${s.headerMaxLength})`,
      "Shorten the subject; put details in the body.",
    );
  if (p.header !== null && p.header.trim() !== p.header) at(["header-trim"], "the header starts or ends with whitespace", "Remove the spaces around it.");
  return out;
}

function judgeBody(p: ParsedMessage, s: RuleSettings): RuleResult[] {
  if (!p.body) return [];
  const out: RuleResult[] = [];
  const raw = toLines(p.raw);
  if (raw[1] !== "")
    out.push({ rules: ["body-leading-blank"], message: "the body does not start after a blank line", fix: "Leave the second line empty.", line: 2 });
  out.push(...lineLength("body", p.body, s.bodyMaxLineLength, raw));
  return out;
}

function judgeFooter(p: ParsedMessage, s: RuleSettings): RuleResult[] {
  if (!p.footer) return [];
  const out: RuleResult[] = [];
  const raw = toLines(p.raw);
  const first = toLines(p.footer)[0] ?? "";
  // As commitlint: the first raw line equal to the footer's first line, and the line before it (from the end if none).
  const offset = raw.indexOf(first);
  if (raw.slice(offset - 1)[0] !== "")
    out.push({
      rules: ["footer-leading-blank"],
      message: "the footer does not start after a blank line",
      fix: "Leave an empty line before the trailers, issue references and BREAKING CHANGE notes.",
      line: Math.max(offset + 1, 1),
    });
  out.push(...lineLength("footer", p.footer, s.footerMaxLineLength, raw));
  for (const note of p.notes) {
    const line = lineOf(raw, note.line);
    if (!/^BREAKING[ -]CHANGE:( |$)/.test(note.line))
      out.push({
        rules: ["breaking-change-footer"],
        message: `"${truncate(note.line)}" is not a valid breaking-change footer`,
        fix: 'Write it exactly as "BREAKING CHANGE: <what breaks>" (upper case, a colon, then the text).',
        line,
      });
    else if (note.text.trim() === "")
      out.push({ rules: ["breaking-change-footer"], message: `the ${note.title} footer is empty`, fix: `Describe what breaks after "${note.title}: ".`, line });
  }
  return out;
}

/** commitlint reads the header's last character, and lets `...` and a header that ends at its only colon pass. */
function endsWithFullStop(header: string | null): boolean {
  if (header === null) return false;
  const colon = header.indexOf(":");
  if (colon > 0 && colon === header.length - 1) return false;
  return header.endsWith(".") && !header.endsWith("...");
}

/** body-max-line-length and footer-max-line-length: the first line over the limit that holds no URL. */
function lineLength(part: "body" | "footer", text: string, max: number, raw: string[]): RuleResult[] {
  const long = max > 0 ? toLines(text).find((line) => line.length > max && !URL_IN_LINE.test(line)) : undefined;
  if (long === undefined) return [];
  return [
    {
      rules: [`${part}-max-line-length`],
      message: `a ${part} line is ${long.length} characters long (at most ${max})`,
      fix: `Wrap the ${part}; a line with a URL may be longer.`,
      line: lineOf(raw, long),
    },
  ];
}

function lineOf(raw: string[], line: string): number {
  const index = raw.indexOf(line, 1);
  return index < 0 ? 1 : index + 1;
}

function lowerFirst(text: string): string {
  return text.substring(0, 1).toLowerCase() + text.substring(1);
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
