/** @shipgate/migrations: migration discovery, static rules on the real PostgreSQL parser, dynamic verification. */
// The static analysis is also its own light entry point; the full package adds git, config and databases.
export * from "./static.js";
export { findComments, type Comment } from "./sql/lexer.js";
export { SourceText } from "./sql/source.js";
export { upSql, downSql } from "./lint.js";
export { readQueryFile, collectReads, type DeclaredQuery, type OldReads } from "./queries.js";
export { messages } from "./messages.js";
export { migrationsPolicy } from "./policy.js";
export { checkRelease, type ReleaseCheck } from "./release-check.js";
export { runGate, GATE_DEFAULTS, type GateOptions, type GateResult } from "./gate.js";
export { plugin } from "./plugin.js";
export { immutabilityPolicy } from "./immutability.js";
export { verifyRelease, type VerifyFinding, type VerifyOptions, type VerifyResult } from "./dynamic/verify.js";
export { describeDynamic, type DynamicSummary } from "./dynamic/summary.js";
export { snapshotCatalog, diffCatalog } from "./dynamic/catalog.js";
export { openPglite, openServer, type Database } from "./dynamic/database.js";
export { loadMigrations, listTree, inMigrationDirs } from "./tree.js";
export { resolveRange, type ResolvedRange, type UnknownRevision } from "./release.js";
export { MigrationsSection, migrationsSection, DEFAULT_DIRS, type MigrationsSettings } from "./settings.js";
export { guardRun, type GuardOptions } from "./guard.js";
export { withCancellation, track, cancelSignal } from "./cancel.js";
export { checkDatabase, redactUrl } from "./dynamic/database-url.js";
