/** A small PostgreSQL lexer that finds comments (the parse tree drops them), skipping strings, identifiers and dollar quotes. */

export interface Comment {
  /** String index of the first character of `--` or `/*`. */
  start: number;
  /** String index just past the comment (the newline of a line comment is not included). */
  end: number;
  /** The comment's text without its markers, trimmed. */
  body: string;
  block: boolean;
}

/** Characters that may start a comment, a string, a quoted identifier or a dollar quote; everything else is skipped. */
const SPECIAL = /[-/'"$]/g;
const WHITESPACE = /\s*/y;

/** Every comment of `text`, in order. Unterminated strings or comments run to the end of the text. */
export function findComments(text: string): Comment[] {
  const comments: Comment[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    SPECIAL.lastIndex = i;
    if (SPECIAL.exec(text) === null) break;
    i = SPECIAL.lastIndex - 1;
    const c = text.charCodeAt(i);
    if (c === 45 /* - */ && text.charCodeAt(i + 1) === 45) {
      const nl = text.indexOf("\n", i + 2);
      const end = nl === -1 ? n : nl;
      comments.push({ start: i, end, body: text.slice(i + 2, end).trim(), block: false });
      i = end;
    } else if (c === 47 /* / */ && text.charCodeAt(i + 1) === 42 /* * */) {
      const end = blockCommentEnd(text, i);
      comments.push({ start: i, end, body: text.slice(i + 2, Math.max(i + 2, end - 2)).trim(), block: true });
      i = end;
    } else if (c === 39 /* ' */) {
      i = quotedEnd(text, i, 39, isEscapeString(text, i));
    } else if (c === 34 /* " */) {
      i = quotedEnd(text, i, 34, false);
    } else if (c === 36 /* $ */) {
      i = dollarQuoteEnd(text, i);
    } else i++;
  }
  return comments;
}

/** Index of the first character at or after `from` that is neither whitespace nor inside a comment. */
export function skipTrivia(text: string, from: number, comments: readonly Comment[]): number {
  let i = from;
  for (;;) {
    WHITESPACE.lastIndex = i;
    if (WHITESPACE.exec(text) !== null) i = WHITESPACE.lastIndex;
    const comment = comments.find((c) => c.start === i);
    if (!comment) return i;
    i = comment.end;
  }
}

/** Block comments nest in PostgreSQL. */
function blockCommentEnd(text: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < text.length) {
    if (text.startsWith("/*", i)) {
      depth++;
      i += 2;
    } else if (text.startsWith("*/", i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return text.length;
}

/** E'...' strings use backslash escapes; standard strings only double the quote. */
function isEscapeString(text: string, quote: number): boolean {
  const prev = text[quote - 1];
  if (prev !== "E" && prev !== "e") return false;
  return !/[\w$]/.test(text[quote - 2] ?? "");
}

function quotedEnd(text: string, start: number, quote: number, backslash: boolean): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (backslash && c === 92 /* \ */) i += 2;
    else if (c === quote) {
      if (text.charCodeAt(i + 1) === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return text.length;
}

/** `$tag$ ... $tag$`; a `$` that does not open a dollar quote (e.g. `$1`) is skipped. */
function dollarQuoteEnd(text: string, start: number): number {
  if (/[\w$]/.test(text[start - 1] ?? "")) return start + 1; // part of an identifier such as a$b
  const match = /^\$([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(text.slice(start, start + 64));
  if (!match) return start + 1;
  const tag = match[0];
  const close = text.indexOf(tag, start + tag.length);
  return close === -1 ? text.length : close + tag.length;
}
