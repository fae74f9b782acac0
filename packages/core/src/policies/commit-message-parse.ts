/**
 * Splits a commit message into header, body and footer exactly as commitlint does: conventional-commits-parser
 * with the conventionalcommits preset's options (the preset config-conventional names), rewritten without its
 * quadratic reference pattern so a long history parses in linear time. The differential test holds it to the original.
 */

export interface ParsedMessage {
  /** The message as given; commitlint's leading-blank rules read its lines. */
  raw: string;
  /** The first kept line, or null when it is empty. */
  header: string | null;
  type: string | null;
  scope: string | null;
  subject: string | null;
  body: string | null;
  footer: string | null;
  /** `BREAKING CHANGE` notes: the footer line that opened each, and its text (which may start on the next line). */
  notes: Note[];
}

export interface Note {
  line: string;
  title: string;
  text: string;
}

// The conventionalcommits preset tries the `!` pattern first: the two give different scopes for `a(b)!: c): d`.
const BREAKING_HEADER = /^(\w*)(?:\((.*)\))?!: (.*)$/;
const HEADER = /^(\w*)(?:\((.*)\))?!?: (.*)$/;
const NOTE = /^[\s|*]*(BREAKING CHANGE|BREAKING-CHANGE)[:\s]+(.*)/i;
const GPG = /^\s*gpg:/;
const ACTIONS = "close|closes|closed|fix|fixes|fixed|resolve|resolves|resolved";
const ACTION_SENTENCES = new RegExp(`(${ACTIONS})(?:\\s+(.*?))(?=(?:${ACTIONS})|$)`, "gi");
const WHOLE_LINE = /()(.+)/gi;
const URL = /\b(?:https?):\/\/(?:www\.)?([-a-zA-Z0-9@:%_+.~#?&//=])+\b/;
// The parser's `(?:.*?)??\s*([\w-\.\/]*?)??(#)([\w-]+)(?=...)` matches exactly where this does: its prefix is optional.
const ISSUE = /#[\w-]+(?=\s|$|[,;)\]])/;

export function parseMessage(raw: string): ParsedMessage {
  const lines = trimNewLines(raw)
    .split(/\r?\n/)
    .filter((line) => !GPG.test(line));
  const parsed: ParsedMessage = { raw, header: null, type: null, scope: null, subject: null, body: null, footer: null, notes: [] };
  const header = lines[0];
  if (header) {
    parsed.header = header;
    const match = BREAKING_HEADER.exec(header) ?? HEADER.exec(header);
    if (match) {
      parsed.type = match[1] || null;
      parsed.scope = match[2] || null;
      parsed.subject = match[3] || null;
    }
  }
  const body: string[] = [];
  const footer: string[] = [];
  let inBody = true;
  let i = 1;
  while (i < lines.length) {
    const afterNotes = readNotes(lines, i, parsed.notes, footer);
    if (afterNotes > i) inBody = false;
    i = afterNotes;
    if (i >= lines.length) break;
    const line = lines[i] as string;
    if (inBody && !hasReference(line)) body.push(line);
    else {
      inBody = false;
      footer.push(line);
    }
    i++;
  }
  parsed.body = joined(body);
  parsed.footer = joined(footer);
  for (const note of parsed.notes) note.text = trimNewLines(note.text);
  return parsed;
}

/** Lines as commitlint's rules split them. */
export function toLines(text: string): string[] {
  return text.split(/\r?\n/);
}

/**
 * A note runs from its `BREAKING CHANGE` line to the next note or the first line with an issue reference
 * (inclusive); returns the index after it, or `start` when no note starts there.
 */
function readNotes(lines: string[], start: number, notes: Note[], footer: string[]): number {
  const match = NOTE.exec(lines[start] ?? "");
  if (!match) return start;
  const note: Note = { line: lines[start] as string, title: match[1] as string, text: match[2] as string };
  notes.push(note);
  footer.push(note.line);
  let i = start + 1;
  while (i < lines.length) {
    const next = readNotes(lines, i, notes, footer);
    if (next > i) return next;
    const line = lines[i] as string;
    const reference = hasReference(line);
    if (!reference) note.text = note.text ? `${note.text}\n${line}` : line;
    footer.push(line);
    i++;
    if (reference) break;
  }
  return i;
}

/** Whether the parser finds an issue reference (`#123`) in the line, which moves it and all after it to the footer. */
function hasReference(line: string): boolean {
  if (!line.includes("#")) return false;
  const pattern = line.match(ACTION_SENTENCES) ? ACTION_SENTENCES : WHOLE_LINE;
  for (const match of line.matchAll(pattern)) {
    const sentence = match[2] ?? "";
    if (!URL.test(sentence) && ISSUE.test(sentence)) return true;
  }
  return false;
}

/** The parser appends lines and trims leading and trailing line breaks: null when no line went there, else a string. */
function joined(lines: string[]): string | null {
  return lines.length === 0 ? null : trimNewLines(lines.join("\n"));
}

function trimNewLines(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (text[start] === "\r" || text[start] === "\n")) start++;
  while (end > start && (text[end - 1] === "\r" || text[end - 1] === "\n")) end--;
  return text.slice(start, end);
}
