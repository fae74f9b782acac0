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
export { migrationsPolicy, checkRelease, type ReleaseCheck } from "./policy.js";
export { immutabilityPolicy } from "./immutability.js";
export { verifyRelease, type VerifyFinding, type VerifyOptions, type VerifyResult } from "./dynamic/verify.js";
export { snapshotCatalog, diffCatalog } from "./dynamic/catalog.js";
export { openPglite, openServer, type Database } from "./dynamic/database.js";
export { loadMigrations, listTree, inMigrationDirs } from "./tree.js";
export { resolveRange, migrationsSettings, withMigrationPolicies, type ResolvedRange, type UnknownRevision } from "./release.js";
export { MigrationsOptions, DEFAULT_DIRS, type MigrationsSettings } from "./settings.js";
