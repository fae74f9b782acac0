/** `@shipgate/migrations/static`: the static analysis alone (parser, layouts, rules), without git, config or databases. */
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
export { lintRelease, lintSequence, type LintFinding, type LintOptions, type MigrationSource, type RuleSetting } from "./lint.js";
export { lintFiles, type TextFile, type LintTextOptions } from "./lint-text.js";
export { lintAsApplied, type ApplyOrder, type AsAppliedLint, type AsAppliedOptions } from "./lint-as-applied.js";
export { STATEMENT_RULES, FILE_RULES, RULE_IDS } from "./rules/index.js";
export { DEFAULT_SEVERITY, type Category, type Rule } from "./rules/rule.js";
export { openParseCache, saveParseCache, parseCacheStats } from "./cache/parse-cache.js";
export {
  lintAsAppliedCached,
  hasCachedFindings,
  codeVersionOf,
  findingsCacheOutcome,
  type FindingsCache,
  type FindingsCacheOutcome,
} from "./cache/findings-cache.js";
export { cacheOptions, cacheOptionsAt, openParseCacheOf, type CacheOptions } from "./cache/options.js";
