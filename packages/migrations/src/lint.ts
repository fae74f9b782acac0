/** Static analysis of one release: the old migrations build the schema state, the new ones are checked statement by statement. */
import type { Migration } from "./layout/discover.js";
import { dbmateSection } from "./layout/discover.js";
import { messages } from "./messages.js";
import type { OldReads } from "./queries.js";
import { RULE_IDS, ruleCategory, rulesFor } from "./rules/index.js";
import { DEFAULT_SEVERITY, type Category, type FileState } from "./rules/rule.js";
import type { EncodingProblem } from "./sql/encoding.js";
import { parseSql, type ParsedSql, type Statement } from "./sql/parse.js";
import { loadParserFor } from "./cache/parse-cache.js";
import { SchemaState } from "./state.js";
import { readSuppressions, suppressedBy } from "./suppress.js";

export type RuleSetting = "off" | "warn" | "error";

export interface MigrationSource {
  migration: Migration;
  /** Content of the up file (for dbmate, the whole file). */
  up: string;
  /** Content of the down file, or null when there is none. */
  down: string | null;
  /** Up or down files whose bytes are not UTF-8, found when they were read (sql/encoding.ts). */
  encoding?: readonly { path: string; problem: EncodingProblem }[];
}

export interface LintFinding {
  rule: string;
  category: Category;
  severity: "error" | "warn";
  path: string;
  line: number;
  column: number;
  message: string;
  fix: string;
  /** The statement, for reports. */
  statement?: string;
}

export interface LintOptions {
  /** Per-rule severity overrides. */
  rules?: Readonly<Record<string, RuleSetting>>;
  /** What the previous release reads; drop/rename of objects it does not name is then allowed. */
  oldReads?: OldReads | null;
}

/** Lints the migrations a release adds, given every migration the previous release already had. */
export async function lintRelease(previous: readonly MigrationSource[], added: readonly MigrationSource[], options: LintOptions = {}): Promise<LintFinding[]> {
  // Files parsed before (cache/parse-cache.ts) need no parser: a run over unchanged files skips its compile.
  await loadParserFor([...previous, ...added].flatMap((source) => [upText(source), downText(source) ?? ""]));
  const state = new SchemaState();
  for (const source of previous) for (const statement of upSql(source).statements) state.apply(statement);
  state.startRelease();
  return added.flatMap((source) => lintMigration(source, state, options));
}

/**
 * Lints migrations one after another, each a release of its own on top of the ones before it: how a migration tool
 * applies a directory, and what `shipgate migrations lint <files>` checks.
 */
export async function lintSequence(sources: readonly MigrationSource[], options: LintOptions = {}): Promise<LintFinding[]> {
  await loadParserFor(sources.flatMap((source) => [upText(source), downText(source) ?? ""]));
  const state = new SchemaState();
  return sources.flatMap((source) => {
    state.startRelease();
    return lintMigration(source, state, options);
  });
}

/** The parsed up migration (dbmate: its `-- migrate:up` section). */
export function upSql(source: MigrationSource): ParsedSql {
  return parseSql(upText(source));
}

/** The parsed down migration, or null when there is none. */
export function downSql(source: MigrationSource): ParsedSql | null {
  const text = downText(source);
  return text === null ? null : parseSql(text);
}

/** The text of the up migration (dbmate: its `-- migrate:up` section). */
export function upText(source: MigrationSource): string {
  return source.migration.layout === "dbmate" ? dbmateSection(source.up, "up") : source.up;
}

/** The text of the down migration, or null when there is none. */
export function downText(source: MigrationSource): string | null {
  return source.migration.layout === "dbmate" ? dbmateSection(source.up, "down") : source.down;
}

function lintMigration(source: MigrationSource, state: SchemaState, options: LintOptions): LintFinding[] {
  const { migration } = source;
  const parsed = upSql(source);
  const findings: LintFinding[] = [];
  const { suppressions, problems } = readSuppressions(parsed, RULE_IDS);
  const report = (rule: string, index: number, at: { line: number; column: number }, path: string, hit: { message: string; fix: string }, text?: string) => {
    const category = ruleCategory(rule);
    const severity = options.rules?.[rule] ?? DEFAULT_SEVERITY[category];
    if (severity === "off" || suppressedBy(suppressions, rule, index)) return;
    // Field by field: `at` may be the whole statement, whose parse tree must not end up in reports.
    const finding: LintFinding = { rule, category, severity, path, line: at.line, column: at.column, message: hit.message, fix: hit.fix };
    if (text !== undefined) finding.statement = text;
    findings.push(finding);
  };
  for (const problem of problems) {
    const hit =
      problem.kind === "no-reason"
        ? { message: messages.suppressionNoReason(problem.text), fix: messages.suppressionFix }
        : { message: messages.suppressionUnknownRule(problem.rule ?? ""), fix: messages.suppressionUnknownRuleFix };
    report("suppression", -1, { line: problem.line, column: 1 }, migration.up, hit);
  }
  if (parsed.error) report("parse-error", -1, parsed.error, migration.up, { message: messages.parseError(parsed.error.message), fix: messages.parseErrorFix });
  for (const { path, problem } of source.encoding ?? []) {
    report("invalid-encoding", -1, problem, path, { message: messages.invalidEncoding(problem.what), fix: messages.invalidEncodingFix(problem.kind) });
  }
  const file: FileState = { statements: parsed.statements, index: 0, lockTimeout: false, inExplicitTransaction: false, lockTimeoutReported: false };
  const oldReads = options.oldReads ?? null;
  // Indexed loops in the per-statement path: most of a short lint runs in V8's interpreter, where iterators cost.
  for (let index = 0; index < parsed.statements.length; index++) {
    const statement = parsed.statements[index] as Statement;
    file.index = index;
    const context = { statement, migration, state, file, oldReads };
    for (const rule of rulesFor(statement)) {
      if (options.rules?.[rule.id] === "off") continue;
      for (const hit of rule.check(context)) report(rule.id, index, statement, migration.up, hit, statement.text);
    }
    track(file, statement);
    state.apply(statement);
  }
  checkDown(source, parsed, report);
  for (const s of suppressions.filter((s) => !s.used)) {
    report("unused-suppression", -2, { line: s.line, column: 1 }, migration.up, {
      message: messages.unusedSuppression(s.rules.length === 0 ? "every rule" : s.rules.join(", ")),
      fix: messages.unusedSuppressionFix,
    });
  }
  return findings;
}

type Report = (rule: string, index: number, at: { line: number; column: number }, path: string, hit: { message: string; fix: string }) => void;

function checkDown(source: MigrationSource, up: ParsedSql, report: Report): void {
  const { migration } = source;
  if (!migration.hasDowns || migration.repeatable) return;
  const down = downSql(source);
  const start = { line: 1, column: 1 };
  if (down === null) return report("missing-down", -1, start, migration.up, { message: messages.missingDown(migration.name), fix: messages.missingDownFix });
  const path = migration.down ?? migration.up;
  if (down.error) return report("parse-error", -1, down.error, path, { message: messages.parseError(down.error.message), fix: messages.parseErrorFix });
  if (down.statements.length === 0 && up.statements.length > 0) {
    report("empty-down", -1, start, path, { message: messages.emptyDown(migration.name), fix: messages.emptyDownFix });
  }
}

function track(file: FileState, statement: ParsedSql["statements"][number]): void {
  if (statement.kind === "TransactionStmt") {
    const kind = String(statement.node["kind"]);
    if (kind === "TRANS_STMT_BEGIN" || kind === "TRANS_STMT_START") file.inExplicitTransaction = true;
    if (kind === "TRANS_STMT_COMMIT" || kind === "TRANS_STMT_ROLLBACK") file.inExplicitTransaction = false;
  }
  if (statement.kind === "VariableSetStmt" && statement.node["name"] === "lock_timeout") file.lockTimeout = true;
}
