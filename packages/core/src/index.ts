/** @shipgate/core: config, git access, the change model, policies, runner, reporters, errors. */
export * from "./errors.js";
export { messages } from "./messages.js";
export { createDebug, type DebugFn } from "./debug.js";
export { importModule } from "./import-module.js";
export { Git, scrubGitEnv, splitZ, type GitResult, type GitRunOptions, type GitChild } from "./git/runner.js";
export { openRepo, inheritedGit, type Repo, type OpenOptions } from "./git/repo.js";
export { ObjectReader, type GitObject } from "./git/cat-file.js";
export { isOid, isZeroOid, zeroOid, emptyTreeOid } from "./git/oid.js";
export { parseDiffOutput, parseDiffPrefix } from "./git/diff-parse.js";
export { parsePatch } from "./git/patch-parse.js";
export { decodePath } from "./git/quoted-path.js";
export * from "./change/types.js";
export { unionLines, isAsciiPattern } from "./change/lines.js";
export { buildStagedChange, buildMessageChange, buildRangeChange, currentBranch, type RefUpdateInput, type RangeOptions } from "./change/build.js";
export { parseCommitObject, decodeMessage } from "./change/commit-object.js";
export { readCommitDiffs, readIndexDiff, fillSizes, DIFF_FLAGS } from "./change/read-diffs.js";
export {
  configSchema,
  policyEntrySchema,
  COMMON_ENTRIES,
  SEVERITIES,
  type Config,
  type ConfigInput,
  type PolicyEntry,
  type SeverityLevel,
  type Baseline,
} from "./config/schema.js";
export { loadConfigCached } from "./config/cache.js";
export {
  loadConfig,
  loadConfigWithPlugins,
  validateConfig,
  packagesNamed,
  findConfigFile,
  parseConfigText,
  mergeLayers,
  formatIssues,
  CONFIG_FILES,
  type LoadedConfig,
  type ConfigWithPlugins,
} from "./config/load.js";
export {
  definePolicy,
  type Policy,
  type AnyPolicy,
  type PolicyContext,
  type PolicyResult,
  type Issue,
  type Finding,
  type Fix,
  type Severity,
  type OptionsSchema,
  type PatternUse,
  regexUses,
  globUses,
} from "./policies/policy.js";
export { POLICIES, findPolicy } from "./policies/index.js";
export { resolveFromProject } from "./policies/load-tool.js";
export {
  localTools,
  runJob,
  ToolSession,
  type ToolHost,
  type ToolRequest,
  type OutcomeOf,
  type EslintJob,
  type EslintOutcome,
  type PrettierJob,
  type PrettierOutcome,
  type LintMessage,
} from "./policies/tool-jobs.js";
export { checkMessage, lintMessage, DEFAULT_TYPES, type CommitMessageOptions, type LintResult } from "./policies/commit-message.js";
export { runPolicies, linesRead, pluginPolicies, type Report, type PolicyRun, type RunOptions, type RunStatus } from "./run.js";
export { formatReport, isFormat, FORMATS, type Format } from "./report/index.js";
export { colourEnabled, createStyle, type Style } from "./report/style.js";
export { formatLocation, printable } from "./report/location.js";
export { formatRemoteLines } from "./report/remote.js";
export { compileGlobs, firstMatch, globRegExp } from "./glob.js";
export { parseSize, formatSize } from "./size.js";
export { type Working, type WorkItem } from "./progress.js";
export { currentOwner, ownerGone, ownerTag, parseOwner, processState, type Owner } from "./owner.js";
export { safeRegExp, linearTimeProblem } from "./regex.js";
export { PRESETS } from "./presets.generated.js";
export { definePlugin, defineSection, readSection, type Plugin, type PluginCommand, type Section } from "./plugin/plugin.js";
export { parseCommandArgs, parseSubcommand, formatHelp, type Command, type CommandIo, type CommandOptions, type CommandOption } from "./plugin/command.js";
export { closest, didYouMean } from "./suggest.js";
export { loadPlugins, loadPlugin, type PluginImporter } from "./plugin/registry.js";
export { KNOWN_PACKAGES, packageOfCommand, type KnownPackage } from "./plugin/known.js";
export {
  Ledger,
  ledgerRefs,
  isEnvName,
  assertEnvName,
  isRefNameSafe,
  assertTagName,
  encodeRefPart,
  decodeRefPart,
  asRelease,
  LEDGER_ROOT,
  NOTES_REF,
  type LedgerRelease,
  type LedgerEntry,
  type LedgerRefs,
  type RefChange,
} from "./ledger.js";
