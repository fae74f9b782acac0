/**
 * Assignments to secret-like names, in the syntax of the languages and config formats people commit: a name that
 * holds password, secret, token, api key, ... then `=`, `:`, `:=` or `=>` (never `::`, `==` or `=~`), then a
 * literal value: a quoted string, or a bare token (.env, YAML, properties). Also the text of an XML element so named
 * (`<DbPassword>...</DbPassword>`) and a `.netrc` line (`machine host login me password ...`). Expressions,
 * references and types are not values. The caller judges each value (secrets-value.ts).
 */

/** The keywords of a secret-like name; the scan prefilter (KEYWORDS in secrets-scan.ts) holds each of them. */
export const SECRET_NAME = /passw(?:or)?d|pwd|secret|token|api[_-]?key|access[_-]?key|auth[_-]?key|private[_-]?key|credential/gi;

/** A value assigned on a line: the literal and the 1-based column of the name it was assigned to. */
export interface Assigned {
  value: string;
  column: number;
}

/** The longest name suffix after the keyword (`_FOR_THE_STAGING_DATABASE`), and the longest value read. */
const MAX_SUFFIX = 32;
const MAX_VALUE = 256;
/** `var token string = ` (Go): a type between the name and `=`. */
const GO_TYPE = /[ \t]+\*?[A-Za-z_][\w.[\]*]{0,40}[ \t]+=(?![=>~])[ \t]{0,4}/y;
/** `: &'static str = `, `: Option<String> = `, `: str = ` (Rust, TypeScript, Python, Kotlin): a type after the colon. */
const TYPE_ANNOTATION = /[ \t]{0,4}&?(?:'[a-z]+[ \t]+)?(?:mut[ \t]+)?[A-Za-z_[(][\w:<>[\]().,?|&' ]{0,60}?[ \t]+=(?![=>~])[ \t]{0,4}/y;
/** A string literal's opening: an optional prefix (Python r/b/u/f, Rust r#, C# @) and the quote. */
const STRING_START = /(?:[rRbBuUfF]{1,2}#{0,3}|@)?(["'`])/y;
/** A bare value: token characters only, so that operators, calls and indexing end it. */
const BARE = /[A-Za-z0-9+/_~-][\w+/=.~@!%*^#-]{0,255}/y;
/**
 * What may follow a bare value: the end of the line or a comment (after spaces), a separator or closing bracket, and
 * right after it a closing quote or the `&` of a query string. Anything else (`? :`, `+`, `(`) makes it an expression.
 */
const BARE_END = /^(?:[ \t]{0,8}(?:$|#|\/\/|[\r,;)\]}])|["'`&])/;
/**
 * An upper-case constant (`DEFAULT_TOKEN_NAME`) or a number. Dotted paths (`process.env.TOKEN`, `self.password`) are
 * word-like and left to the value's judgement, so that a dotted token (`SG.x.y`) is still judged as one.
 */
const REFERENCE = /^(?:[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|0x[0-9a-fA-F]+|\d+(?:\.\d+)?)$/;
/** `${x}`, `{{ x }}`, `%(x)s`, `#{x}` and `%s` fill a value in; `<your token>` stands for one. */
const TEMPLATE = /\$\{|\{\{|%\(|#\{|%s/;

/**
 * Every literal assigned to a secret-like name in `text`, in order. Linear in the length of `text`: each name is read
 * once, and the search resumes after the value it was given.
 */
export function findAssignments(text: string): Assigned[] {
  const found: Assigned[] = [];
  const netrc = NETRC.exec(text);
  if (netrc !== null && !TEMPLATE.test(netrc[2] as string) && !(netrc[2] as string).startsWith("$"))
    found.push({ value: netrc[2] as string, column: (netrc[1] as string).length + 1 });
  SECRET_NAME.lastIndex = 0;
  for (let match = SECRET_NAME.exec(text); match !== null; match = SECRET_NAME.exec(text)) {
    const nameEnd = endOfName(text, match.index + match[0].length);
    if (nameEnd === -1 || inTernary(text, match.index)) continue;
    const element = elementText(text, match.index, nameEnd);
    if (element !== null) {
      SECRET_NAME.lastIndex = Math.max(element.end, SECRET_NAME.lastIndex);
      if (element.value !== null) found.push({ value: element.value, column: match.index + 1 });
      continue;
    }
    const at = afterOperator(text, nameEnd);
    if (at === null) continue;
    const { value, end } = readValue(text, at.index, at.bare);
    SECRET_NAME.lastIndex = Math.max(end, SECRET_NAME.lastIndex);
    if (value !== null) found.push({ value, column: match.index + 1 });
  }
  return found;
}

/**
 * A `.netrc` line that gives a password: `password` first or after `machine <host>`/`default`, `login <user>` and
 * `account <name>`, its value followed only by the end of the line or another `.netrc` keyword (prose that says
 * "password xyz is ..." is not such a line).
 */
const NETRC =
  /^([ \t]*(?:(?:machine[ \t]+\S+|default)[ \t]+)?(?:login[ \t]+\S+[ \t]+)?(?:account[ \t]+\S+[ \t]+)?password[ \t]+)(\S{1,256})(?=[ \t]*$|[ \t]+(?:machine|default|login|account|macdef)[ \t])/;

/**
 * The text of an XML element whose name holds the keyword (`<password>`, `<ns:ApiToken>`): null when the name is not
 * such an element's; its value null when the element holds markup, a template or nothing on this line.
 */
function elementText(text: string, nameStart: number, nameEnd: number): { value: string | null; end: number } | null {
  if (text[nameEnd] !== ">") return null;
  let i = nameStart - 1;
  while (i >= 0 && i > nameStart - 40 && /[\w.:-]/.test(text[i] as string)) i--;
  if (text[i] !== "<") return null;
  const close = text.indexOf("<", nameEnd + 1);
  if (close === -1 || close - nameEnd - 1 > MAX_VALUE || text[close + 1] !== "/") return { value: null, end: nameEnd + 1 };
  const value = text.slice(nameEnd + 1, close).trim();
  const unusable = value === "" || TEMPLATE.test(value) || value.startsWith("$") || /\s/.test(value);
  return { value: unusable ? null : value, end: close };
}

/**
 * Where the name that holds the keyword ending at `at` ends, or -1 when the keyword is part of another word
 * (`tokenize`, `secretary`, `passwordless`). A plural `s` and a suffix (`_HASH`, `Id`, `-file`, `.value`) belong to it.
 */
function endOfName(text: string, at: number): number {
  let i = at;
  if ((text[i] === "s" || text[i] === "S") && !isLower(text[i + 1])) i++;
  if (isLower(text[i])) return -1;
  const limit = i + MAX_SUFFIX;
  while (i < limit && i < text.length && /[\w.-]/.test(text[i] as string)) i++;
  return i;
}

/**
 * True when the name at `at` follows `? ` (a space after the question mark): `cond ? tokenA : tokenB` is a choice,
 * not a key and its value; `?access_token=` in a URL is a key.
 */
function inTernary(text: string, at: number): boolean {
  let i = at - 1;
  const limit = Math.max(0, at - 64);
  while (i >= limit && /[\w$.]/.test(text[i] as string)) i--;
  if (text[i] === '"' || text[i] === "'") i--;
  if (text[i] !== " " && text[i] !== "\t") return false;
  while (i >= limit && (text[i] === " " || text[i] === "\t")) i--;
  return text[i] === "?";
}

/** The position of the value after the name's closing quote or bracket, spaces and operator; null when there is none. */
function afterOperator(text: string, nameEnd: number): { index: number; bare: boolean } | null {
  let i = nameEnd;
  if (text[i] === '"' || text[i] === "'" || text[i] === "`") i++;
  if (text[i] === "]") i++;
  const spaced = skipSpaces(text, i);
  const op = text[spaced];
  const next = text[spaced + 1];
  if (op === ":" && next === "=") return operand(text, spaced + 2);
  if (op === "=" && next === ">") return operand(text, spaced + 2);
  if (op === "=" && next !== "=" && next !== "~") return operand(text, spaced + 1);
  if (op === ":" && next !== ":" && text[spaced - 1] !== ":") {
    TYPE_ANNOTATION.lastIndex = spaced + 1;
    if (TYPE_ANNOTATION.test(text)) return { index: TYPE_ANNOTATION.lastIndex, bare: true };
    // YAML reads `key:value` as one plain string: a bare value after a colon needs a space before it.
    const at = skipSpaces(text, spaced + 1);
    return { index: at, bare: at > spaced + 1 };
  }
  GO_TYPE.lastIndex = i;
  if (GO_TYPE.test(text)) return { index: GO_TYPE.lastIndex, bare: true };
  return null;
}

function operand(text: string, at: number): { index: number; bare: boolean } {
  return { index: skipSpaces(text, at), bare: true };
}

/** The literal at `at` and where reading stopped: a quoted string, or a bare token where one may stand; null otherwise. */
function readValue(text: string, at: number, bareAllowed: boolean): { value: string | null; end: number } {
  STRING_START.lastIndex = at;
  const opening = STRING_START.exec(text);
  if (opening !== null) {
    const quote = opening[1] as string;
    const start = at + opening[0].length;
    const close = closingQuote(text, start, quote);
    if (close === -1) return { value: null, end: start };
    const value = text.slice(start, close);
    const formatted = /f/i.test(opening[0]) && value.includes("{");
    const template = formatted || TEMPLATE.test(value) || value.startsWith("$") || (value.startsWith("<") && value.endsWith(">"));
    return { value: template ? null : value, end: close + 1 };
  }
  if (!bareAllowed) return { value: null, end: at };
  BARE.lastIndex = at;
  const bare = BARE.exec(text)?.[0];
  if (bare === undefined) return { value: null, end: at };
  const end = at + bare.length;
  if (!BARE_END.test(text.slice(end, end + 10)) || REFERENCE.test(bare)) return { value: null, end };
  return { value: bare, end };
}

/** The index of the quote that closes a string opened before `start` (escapes skipped), or -1 within MAX_VALUE. */
function closingQuote(text: string, start: number, quote: string): number {
  const limit = Math.min(text.length, start + MAX_VALUE + 1);
  for (let i = start; i < limit; i++) {
    const ch = text[i];
    if (ch === "\\") i++;
    else if (ch === quote) return i;
  }
  return -1;
}

function skipSpaces(text: string, at: number): number {
  let i = at;
  while (i < at + 4 && (text[i] === " " || text[i] === "\t")) i++;
  return i;
}

function isLower(ch: string | undefined): boolean {
  return ch !== undefined && ch >= "a" && ch <= "z";
}
