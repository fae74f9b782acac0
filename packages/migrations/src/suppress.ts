/** Suppression comments: `-- shipgate-ignore <rule>[, <rule>]: <reason>` for the next statement, `-- shipgate-ignore-file` for the file. */
import type { Comment } from "./sql/lexer.js";
import type { ParsedSql } from "./sql/parse.js";

export interface Suppression {
  /** Rule ids; empty for a file suppression of every rule. */
  rules: string[];
  reason: string;
  file: boolean;
  /** Index of the statement a statement suppression applies to (-1 when none follows). */
  target: number;
  line: number;
  text: string;
  used: boolean;
}

export interface SuppressionProblem {
  line: number;
  text: string;
  kind: "no-reason" | "unknown-rule";
  rule?: string;
}

const MARKER = /^shipgate-ignore(-file)?(?=$|[\s:])(.*)$/s;

/** Reads the suppressions of a parsed file; ill-formed ones are returned as problems and suppress nothing. */
export function readSuppressions(parsed: ParsedSql, known: ReadonlySet<string>): { suppressions: Suppression[]; problems: SuppressionProblem[] } {
  const suppressions: Suppression[] = [];
  const problems: SuppressionProblem[] = [];
  for (const comment of parsed.comments) {
    const match = MARKER.exec(comment.body);
    if (!match) continue;
    const file = match[1] !== undefined;
    const rest = (match[2] ?? "").trim();
    const line = parsed.source.position(comment.start).line;
    const text = comment.body.split("\n")[0] ?? "";
    const colon = rest.indexOf(":");
    const reason = colon === -1 ? "" : rest.slice(colon + 1).trim();
    const rules = (colon === -1 ? rest : rest.slice(0, colon))
      .split(/[\s,]+/)
      .map((r) => r.trim())
      .filter(Boolean);
    if (reason === "" || (!file && rules.length === 0)) {
      problems.push({ line, text, kind: "no-reason" });
      continue;
    }
    const unknown = rules.find((r) => !known.has(r));
    if (unknown !== undefined) {
      problems.push({ line, text, kind: "unknown-rule", rule: unknown });
      continue;
    }
    suppressions.push({ rules, reason, file, target: file ? -1 : nextStatement(parsed, comment), line, text, used: false });
  }
  return { suppressions, problems };
}

function nextStatement(parsed: ParsedSql, comment: Comment): number {
  return parsed.statements.findIndex((s) => s.start >= comment.end);
}

/** Finds (and marks used) a suppression that covers `rule` at statement `index` (-1 for file-level findings). */
export function suppressedBy(suppressions: readonly Suppression[], rule: string, index: number): Suppression | undefined {
  const hit =
    suppressions.find((s) => !s.file && index >= 0 && s.target === index && s.rules.includes(rule)) ??
    suppressions.find((s) => s.file && (s.rules.length === 0 || s.rules.includes(rule)));
  if (hit) hit.used = true;
  return hit;
}
