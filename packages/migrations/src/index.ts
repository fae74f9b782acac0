/** @shipgate/migrations: migration discovery, static rules on the real PostgreSQL parser, dynamic verification. */
export {
  LAYOUTS,
  detectLayout,
  discoverMigrations,
  dbmateSection,
  compareMigrations,
  type LayoutName,
  type Migration,
  type TransactionMode,
} from "./layout/discover.js";
export { loadParser, parseSql, type ParsedSql, type Statement } from "./sql/parse.js";
export { findComments, type Comment } from "./sql/lexer.js";
export { SourceText } from "./sql/source.js";
export { lintRelease, upSql, downSql, type LintFinding, type LintOptions, type MigrationSource, type RuleSetting } from "./lint.js";
export { lintFiles, type TextFile, type LintTextOptions } from "./lint-text.js";
export { STATEMENT_RULES, FILE_RULES, RULE_IDS } from "./rules/index.js";
export { DEFAULT_SEVERITY, type Category, type Rule } from "./rules/rule.js";
export { readQueryFile, collectReads, type DeclaredQuery, type OldReads } from "./queries.js";
export { messages } from "./messages.js";
