/**
 * The text side of the `prometheus` verifier: `{{tag}}` placeholders in a PromQL query (only inside quoted string
 * literals, filled in escaped for the literal they are in) and the `> 0.05` conditions of failIf / successIf.
 */

/** What a query may name: the release being verified, and the environment. */
export const PLACEHOLDERS = ["tag", "sha", "env"] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type PlaceholderValues = Record<Placeholder, string>;

/** Why the query template cannot be used, or null when it can (for the config schema's check). */
export function templateProblem(query: string): string | null {
  for (const part of scan(query)) {
    if (part.kind !== "placeholder") continue;
    if (!(PLACEHOLDERS as readonly string[]).includes(part.name))
      return `unknown placeholder {{${part.name}}}: a query may use ${PLACEHOLDERS.map((name) => `{{${name}}}`).join(", ")}`;
    if (part.quote === null || part.quote === "`")
      return `{{${part.name}}} must be inside a "double" or 'single' quoted string, e.g. version="{{${part.name}}}" (a value is escaped for the string it is in; outside one it could change the query)`;
  }
  return null;
}

/** The query with every placeholder replaced by its value, escaped for the string literal around it. */
export function fillTemplate(query: string, values: PlaceholderValues): string {
  return scan(query)
    .map((part) => (part.kind === "text" ? part.text : escapeFor(values[part.name as Placeholder], part.quote ?? '"')))
    .join("");
}

export type Operator = "<" | "<=" | ">" | ">=" | "==" | "!=";
export interface Condition {
  operator: Operator;
  threshold: number;
}

/** `> 0.05`: an operator and a number (the config schema's pattern, so editors check it too). */
export const CONDITION = /^\s*(<=|>=|==|!=|<|>)\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*$/;
export const CONDITION_HINT = 'expected a comparison with a number, such as "> 0.05", "<= 100" or "== 0"';

/** The parsed condition, or null when `text` is not one. */
export function parseCondition(text: string): Condition | null {
  const match = CONDITION.exec(text);
  if (match === null) return null;
  return { operator: match[1] as Operator, threshold: Number(match[2]) };
}

export function holds(condition: Condition, value: number): boolean {
  const { operator, threshold } = condition;
  if (operator === "<") return value < threshold;
  if (operator === "<=") return value <= threshold;
  if (operator === ">") return value > threshold;
  if (operator === ">=") return value >= threshold;
  if (operator === "==") return value === threshold;
  return value !== threshold;
}

export const describeCondition = (condition: Condition) => `${condition.operator} ${condition.threshold}`;

type Part = { kind: "text"; text: string } | { kind: "placeholder"; name: string; quote: string | null };

/**
 * Splits a query into text and `{{name}}` placeholders, noting the quote of the string literal each placeholder is in.
 * Follows PromQL's lexer as far as that matters here: "..." and '...' strings with backslash escapes, `...` raw strings,
 * and `#` comments to the end of the line (a placeholder in a comment is left as text).
 */
function scan(query: string): Part[] {
  const parts: Part[] = [];
  let text = "";
  let quote: string | null = null;
  let comment = false;
  for (let i = 0; i < query.length; i++) {
    const ch = query[i] ?? "";
    const placeholder = comment ? null : /^\{\{\s*([A-Za-z_][\w]*)\s*\}\}/.exec(query.slice(i, i + 64));
    if (placeholder !== null) {
      parts.push({ kind: "text", text }, { kind: "placeholder", name: placeholder[1] ?? "", quote });
      text = "";
      i += placeholder[0].length - 1;
      continue;
    }
    text += ch;
    if (comment) comment = ch !== "\n";
    else if (quote === null) {
      if (ch === '"' || ch === "'" || ch === "`") quote = ch;
      else if (ch === "#") comment = true;
    } else if (ch === "\\" && quote !== "`") {
      text += query[i + 1] ?? "";
      i++;
    } else if (ch === quote) quote = null;
  }
  parts.push({ kind: "text", text });
  return parts.filter((part) => part.kind !== "text" || part.text !== "");
}

/** `value` as the inside of a PromQL string literal opened by `quote` (Go escapes: the quote, backslash, controls). */
function escapeFor(value: string, quote: string): string {
  let out = "";
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === "\\" || ch === quote) out += `\\${ch}`;
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return out;
}
