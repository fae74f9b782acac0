/** Every user-facing sentence of @shipgate/migrations: what is wrong, why it breaks, and the safe way to do it. */

const DOCS = "https://github.com/shipgate/shipgate/blob/main/docs/gate.md";
const old = "the previous release, which keeps running during the deploy and after a rollback,";

export const messages = {
  docs: DOCS,
  dropColumn: (table: string, column: string, reader: string | undefined) =>
    `drops column ${table}.${column}: ${old} ${reader ? `still reads it (query ${reader})` : "may still read or write it"}, and its data is gone`,
  dropColumnFix: "Stop reading and writing the column in one release, then drop it in a later one (or suppress with the reason once no code uses it).",
  dropTable: (table: string, reader: string | undefined) =>
    `drops table ${table}: ${old} ${reader ? `still uses it (query ${reader})` : "may still use it"}, and its data is gone`,
  dropTableFix: "Remove every use of the table in one release and drop it in a later one; back the data up first.",
  renameColumn: (table: string, from: string, to: string) => `renames column ${table}.${from} to ${to}: ${old} still uses the old name`,
  renameColumnFix: "Add the new column, write both (a trigger), backfill, move reads, and drop the old column in a later release.",
  renameTable: (from: string, to: string) => `renames table ${from} to ${to}: ${old} still uses the old name`,
  renameTableFix: `Rename, then create a view with the old name in the same migration (\`CREATE VIEW old AS SELECT * FROM new\`), and drop the view a release later.`,
  addRequiredColumn: (table: string, column: string) => `adds NOT NULL column ${table}.${column} without a default: ${old} inserts rows without it and fails`,
  addRequiredColumnFix: "Add the column with a constant DEFAULT (instant since PostgreSQL 11), or nullable first and NOT NULL a release later.",
  setNotNull: (table: string, column: string) =>
    `sets ${table}.${column} NOT NULL: ${old} may still write NULL, and the full-table scan holds an ACCESS EXCLUSIVE lock`,
  setNotNullFix:
    "Release 1: ADD CONSTRAINT ... CHECK (col IS NOT NULL) NOT VALID and make every writer set the column; release 2: VALIDATE it, then SET NOT NULL (no scan).",
  dropNotNull: (table: string, column: string, reader: string | undefined) =>
    `drops NOT NULL from ${table}.${column}: the new release may then write NULL, and ${old} ${reader ? `reads the column (query ${reader})` : "may read it"} without expecting NULL`,
  dropNotNullFix:
    "Make the previous release's readers handle NULL first and drop NOT NULL a release later (or suppress with the reason if every reader already does).",
  dropDefault: (table: string, column: string) => `drops the default of NOT NULL column ${table}.${column}: ${old} inserts rows without it and fails`,
  dropDefaultFix: "Keep the default until no release relies on it: make the application always set the column, then drop the default a release later.",
  changeType: (table: string, column: string, from: string, to: string) =>
    `changes the type of ${table}.${column} from ${from} to ${to}: ${old} reads and writes the old type, and the table is rewritten under an ACCESS EXCLUSIVE lock`,
  /** A column type the release renamed, e.g. `status_old (the previous release's status)`. */
  renamedType: (type: string, original: string) => `${type} (the previous release's ${original})`,
  changeTypeUnknown: (table: string, column: string, to: string) =>
    `changes the type of ${table}.${column} to ${to}: ${old} reads and writes the old type (not a known binary-coercible widening)`,
  changeTypeFix: "Add a column of the new type, write both, backfill, move reads, and drop the old column later; widening varchar/numeric is safe.",
  narrowType: (table: string, column: string, from: string, to: string) =>
    `narrows ${table}.${column} from ${from} to ${to}: existing rows or ${old} may hold values that no longer fit`,
  narrowTypeFix: "Add CHECK (...) NOT VALID for the new bound, VALIDATE it once writers respect it, and narrow in a later release; or keep the wider type.",
  enumRename: (type: string, from: string, to: string) => `renames value '${from}' of enum ${type} to '${to}': ${old} still reads and writes '${from}'`,
  enumDrop: (type: string) => `drops type ${type}: columns of that type and ${old} lose its values`,
  enumDelete: "deletes rows from pg_enum: removes enum values that existing rows and the previous release may use",
  enumFix: "Only add enum values; make the code accept the new value first, migrate the data, and stop writing the old value (or use a lookup table).",
  addUnique: (table: string, kind: string) => `adds a ${kind} constraint to ${table} by building its index under a lock that blocks writes for the whole build`,
  addUniqueFix: "CREATE UNIQUE INDEX CONCURRENTLY first (in its own migration), then ADD CONSTRAINT ... UNIQUE / PRIMARY KEY USING INDEX.",
  createIndex: (table: string) => `creates an index on ${table} without CONCURRENTLY: writes to the table wait for the whole build`,
  createIndexFix: "Use CREATE INDEX CONCURRENTLY, outside a transaction, in a migration of its own.",
  dropIndex: (index: string) => `drops index ${index} without CONCURRENTLY: takes an ACCESS EXCLUSIVE lock on its table`,
  dropIndexFix: "Use DROP INDEX CONCURRENTLY, outside a transaction, in a migration of its own.",
  reindex: (what: string) => `reindexes ${what} without CONCURRENTLY: writes to the table wait for the whole rebuild, and so do queries that use the index`,
  reindexFix: "Use REINDEX ... CONCURRENTLY (PostgreSQL 12+), outside a transaction, in a migration of its own.",
  detachPartition: (table: string, partition: string) =>
    `detaches partition ${partition} from ${table} without CONCURRENTLY: holds an ACCESS EXCLUSIVE lock on ${table}, so every query on it waits`,
  detachPartitionFix:
    "Use ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY (PostgreSQL 14+; not while the table has a default partition), outside a transaction, in a migration of its own.",
  concurrentlyInTransaction: (why: string) => `runs a CONCURRENTLY operation inside a transaction (${why}): PostgreSQL refuses it and the migration fails`,
  concurrentlyInTransactionFix:
    "Put the statement in a migration of its own that runs outside a transaction (dbmate `-- migrate:up transaction:false`, Diesel `run_in_transaction = false`, sqlx `-- no-transaction`).",
  constraintNotValid: (table: string, kind: string) => `adds a ${kind} constraint to ${table} without NOT VALID: the whole table is scanned while writes wait`,
  constraintNotValidFix: "Add it NOT VALID, then ALTER TABLE ... VALIDATE CONSTRAINT in a separate migration (it takes a weaker lock).",
  validateSameTransaction: (table: string, name: string) =>
    `validates constraint ${name} on ${table} in the same transaction that added it NOT VALID: the scan runs while the stronger lock is still held`,
  validateSameTransactionFix: "Move VALIDATE CONSTRAINT to a later migration that runs in its own transaction.",
  volatileDefault: (table: string, column: string, fn: string) =>
    `adds ${table}.${column} with a volatile default (${fn}()): the table is rewritten under an ACCESS EXCLUSIVE lock`,
  storedGenerated: (table: string, column: string) => `adds stored generated column ${table}.${column}: the table is rewritten under an ACCESS EXCLUSIVE lock`,
  serialColumn: (table: string, column: string) => `adds serial/identity column ${table}.${column}: the table is rewritten under an ACCESS EXCLUSIVE lock`,
  widenRewrite: (table: string, column: string, from: string, to: string) =>
    `changes ${table}.${column} from ${from} to ${to}: compatible, but the table and its indexes are rewritten under an ACCESS EXCLUSIVE lock`,
  rewriteFix:
    "Add the column without the default (or nullable), set the default afterwards, and backfill in batches; for wider types, add a new column and backfill.",
  lockTimeout: "takes a strong lock without a lock_timeout: if the lock waits behind a long query, every query on the table queues behind it",
  lockTimeoutFix: "Start the migration with SET lock_timeout = '2s' (and retry on timeout).",
  truncate: (tables: string) => `truncates ${tables}: the rows are gone and cannot be restored by a rollback`,
  truncateFix: "Delete rows in a data migration you can reverse, or back the table up first and suppress with the reason.",
  dropSchema: (what: string) => `drops ${what}: everything in it is gone`,
  dropSchemaFix: "Drop the objects one by one in releases after nothing uses them; suppress with the reason if this is intended.",
  missingDown: (name: string) => `migration ${name} has no down migration, so it cannot be rolled back`,
  missingDownFix: "Add the down migration that restores the schema exactly (verify checks it against a catalog snapshot).",
  emptyDown: (name: string) => `the down migration of ${name} is empty, so rolling back does nothing`,
  emptyDownFix: "Write the statements that undo the up migration, or make the down fail loudly with a comment that says why it cannot be undone.",
  parseError: (message: string) => `does not parse as PostgreSQL 18: ${message}`,
  parseErrorFix: "Fix the SQL (templated SQL must be rendered before shipgate reads it).",
  invalidEncoding: (what: string) =>
    `${what}: a database created with UTF8 refuses it (invalid byte sequence for encoding "UTF8"), so psql and migration tools fail to apply it`,
  invalidEncodingFix: (kind: "invalid-utf8" | "nul" | "utf16") =>
    kind === "utf16"
      ? "Save the file as UTF-8 without a byte order mark (e.g. `iconv -f UTF-16 -t UTF-8 file.sql`)."
      : kind === "nul"
        ? "Remove the NUL byte; PostgreSQL text cannot hold it (binary data belongs in a bytea literal such as '\\x00')."
        : "Save the file as UTF-8; a file saved as Latin-1 converts with `iconv -f WINDOWS-1252 -t UTF-8 file.sql`.",
  suppressionNoReason: (text: string) => `suppression "${text}" has no reason, so it suppresses nothing`,
  suppressionFix: "Write it as `-- shipgate-ignore <rule>: <why this is safe>` (the reason is mandatory).",
  suppressionUnknownRule: (rule: string) => `suppression names an unknown rule "${rule}"`,
  suppressionUnknownRuleFix: "Use a rule id from `shipgate migrations rules`.",
  unusedSuppression: (rules: string) => `suppression of ${rules} suppresses nothing`,
  unusedSuppressionFix: "Remove the stale suppression comment.",
  immutable: (path: string, tag: string) => `changes migration ${path}, which release ${tag} already contains`,
  immutableDeleted: (path: string, tag: string) => `deletes migration ${path}, which release ${tag} already contains`,
  immutableFix: "Released migrations have run in production: revert the edit and write a new migration that makes the change.",
  noMigrations: "no migration directory found",
  unknownRevision: (rev: string) => `"${rev}" does not name a commit`,
  unknownRevisionHint: "Pass a tag, branch or commit id; in CI fetch the full history and tags (actions/checkout with fetch-depth: 0).",
  autoChose: (ref: string, oid: string) => `--from auto chose ${ref} (${oid}), the last good deploy, which`,
  reversedRange: (from: string, to: string, newer: string) =>
    `${from} is not an ancestor of --to ${to}: --to ${to} is older than ${newer}, so there is no new migration to check, and the older release would run on a schema it has never seen`,
  reversedRangeHint: (from: string, to: string) =>
    `The gate checks a candidate against the release running before it; swap them: --from ${to} --to ${from}. A rollback to ${to} needs no gate of its own: the gate of the newer release proved that the one before it runs on its schema.`,
  autoBehindHint:
    "Production already runs a release newer than --to: gate a candidate that contains it, or pass --from explicitly to compare with another release.",
  divergedRange: (from: string, to: string, base: string | null) =>
    `${from} is not an ancestor of --to ${to}: ${base === null ? "they share no history" : `they branched off at ${base}`}, so the candidate lacks changes of the release it replaces (migrations that may already run in production), and comparing the two would judge neither`,
  divergedRangeHint: (from: string) =>
    `Bring it into the candidate's history: merge ${from} into the candidate (or rebase the candidate onto it) and gate again; pass another --from only if production really runs that release.`,
  queryBroken: (query: string, where: string, error: string, cause: string) => `old query ${query} (${where}) no longer prepares: ${error}; broken by ${cause}`,
  queryBrokenFix: "Keep the old schema working for the previous release (expand now, contract in a later release), or change the migration.",
  queryFailsBefore: (query: string, where: string, error: string) => `old query ${query} (${where}) does not prepare even on the old schema: ${error}`,
  queryFileInvalid: (error: string) => `this query file of the previous release does not parse, so its queries are not checked: ${error}`,
  queryFailsBeforeFix: "Fix the declared query set of the previous release (the `migrations.queries` globs) so every query prepares there.",
  applyFailed: (path: string, line: number, error: string) => `migration ${path}:${line} fails to apply: ${error}`,
  applyFailedFix: "Fix the migration so it applies on a copy of the previous release's schema.",
  previousSchemaFailed: (where: string, error: string, engine: string) =>
    `cannot reproduce the previous release's schema here: ${where} fails: ${error} (on ${engine}); the migrations this release adds were not applied, so the database check could not judge them`,
  previousSchemaFix: (embedded: boolean) =>
    embedded
      ? "The previous release's migrations built production's schema; build it where they can: pass --database <url> (or SHIPGATE_DATABASE_URL, migrations.database.url) of a PostgreSQL server that has what they need (extensions, roles), or skip the database with --static."
      : "Give that server what the previous release's migrations need (extensions, roles), or pass --database <url> of a server that has it; or skip the database with --static.",
  needsExtension: (where: string, extension: string, engine: string, bundled: readonly string[] | null) =>
    bundled === null
      ? `${where} needs extension ${extension}, which ${engine} does not have (pg_available_extensions)`
      : `${where} needs extension ${extension}, which ${engine} does not bundle (it bundles ${bundled.join(", ")})`,
  previousSchemaExtension: (needs: string) =>
    `cannot reproduce the previous release's schema here: ${needs}; the migrations this release adds were not applied, so the database check could not judge them`,
  releaseExtension: (needs: string) => `cannot verify this release here: ${needs}`,
  extensionFix: (extension: string, embedded: boolean) =>
    embedded
      ? `Verify on a PostgreSQL server that has extension ${extension}: pass --database <url> (or SHIPGATE_DATABASE_URL, migrations.database.url); or skip the database with --static.`
      : `Install extension ${extension} on that server (its package, then it shows in pg_available_extensions), or pass --database <url> of a server that has it; or skip the database with --static.`,
  bookkeepingFailed: (table: string, error: string) => `keeping the migration tool's table ${table} as the tool does fails after it: ${error}`,
  downMismatch: (name: string, differences: string) =>
    `the down migration of ${name} does not restore the schema its up migration started from: ${differences}`,
  downChainMismatch: (names: string, differences: string) => `rolling back this release's migrations does not restore the schema (${names}): ${differences}`,
  downMismatchFix: "Make each down migration undo exactly what its up migration does.",
  downFailed: (path: string, line: number, error: string) => `down migration ${path}:${line} fails: ${error}`,
  testFailed: (command: string, code: number, tail: string) =>
    `the previous release's tests (${command}) fail against the migrated schema (exit ${code}): ${tail}`,
  testFailedFix: "The previous release must keep working on the new schema; make the migration backward compatible.",
  testTimedOut: (seconds: number) => `(stopped after ${seconds}s: migrations.test.timeout)`,
  worktreeHint: "shipgate needs to check the previous release out into a temporary worktree.",
  databaseNotUrl: (shown: string, why: string) => `the database URL "${shown}" is not a PostgreSQL URL: ${why}`,
  databaseUrlHint:
    "A PostgreSQL URL looks like postgres://user:password@host:5432/database (percent-encode special characters of the password, e.g. @ as %40); it comes from --database, SHIPGATE_DATABASE_URL or migrations.database.url.",
  databaseUnreachable: (endpoint: string, shown: string, error: string) => `cannot connect to the PostgreSQL server at ${endpoint} (${shown}): ${error}`,
  databaseUnreachableHint:
    "Start the server, or correct the host, port, user and password of the URL (--database, SHIPGATE_DATABASE_URL or migrations.database.url); leave the URL out to verify on embedded PGlite, or pass --static to skip the database.",
  databaseNoCreate: (user: string, endpoint: string) =>
    `user ${user} may not create databases on ${endpoint}, and the dynamic check runs on a throw-away database`,
  databaseNoCreateHint: (user: string) => `Allow it (ALTER ROLE ${user} CREATEDB) or use a user that may; or verify on embedded PGlite by leaving the URL out.`,
  databaseMarker: (pid: number, host: string) =>
    `shipgate migrations verify, pid ${pid} on ${host}: dropped when that run ends; a later run drops it if that process is gone`,
  removedDeadDatabase: (name: string, pid: number) => `shipgate: removed database ${name}, left by shipgate pid ${pid}, which is no longer running`,
  removedDeadWorktree: (dir: string, pid: number) => `shipgate: removed worktree ${dir}, left by shipgate pid ${pid}, which is no longer running`,
  cancelling: "the run is being cancelled",
  cancelled: (signal: string, done: readonly string[], failed: readonly string[]) =>
    `cancelled by ${signal}${done.length > 0 ? `; ${done.join(", ")}` : ""}${failed.length > 0 ? `; could not clean up ${failed.join(", ")}` : ""}`,
  cancelledAgain: (signal: string, left: readonly string[]) =>
    `cancelled by ${signal}, and stopped again during the cleanup${left.length > 0 ? `; left ${left.join(", ")}` : ""}`,
  cancelledLeftHint: "The next shipgate gate or verify in this repository (and on this database server) removes what is left, once this process has ended.",
  cleanupTimedOut: (seconds: number) => `no answer within ${seconds}s`,
  schemaTemplateMarker:
    "shipgate gate: a copy of a release's schema, which later gates copy instead of applying its migrations again; safe to drop (SHIPGATE_CACHE=off stops making them)",
  dynamicSkipped: (reason: string) => `dynamic check skipped: ${reason}`,
  dynamicOff: "turned off (--static or migrations.dynamic: false)",
  dynamicNothingAdded: "the release adds no migration",
  dynamicRan: (engine: string, extensions: readonly string[], done: readonly string[]) =>
    `dynamic check ran on ${engine}${extensions.length > 0 ? ` with extensions ${extensions.join(", ")}` : ""}: ${done.join(", ")}`,
  dynamicInconclusive: (engine: string, reason: string) => `dynamic check could not judge the release on ${engine}: ${reason}`,
  previousNotBuilt: (where: string) => `the previous release's schema cannot be built here (${where})`,
  extensionMissing: (extension: string, where: string) => `the release needs extension ${extension} (${where})`,
  builtPrevious: (count: number) => `built the previous schema from ${count} migration${count === 1 ? "" : "s"}`,
  copiedPrevious: (count: number) => `copied the previous schema (${count} migration${count === 1 ? "" : "s"}) from the cache`,
  builtPreviousOnCopy: (count: number, cached: number) =>
    `built the previous schema from ${count} migration${count === 1 ? "" : "s"}, ${cached} of them from the cache`,
  appliedNew: (applied: number, added: number) => `applied ${applied} of ${added} new`,
  queriesStillPrepare: (still: number, declared: number) => `${still} of ${declared} old queries still prepare`,
  noQueries: "no old queries declared (migrations.queries)",
  downsVerified: (verified: number, total: number) => `${verified} of ${total} downs restore the schema`,
  downsSkipped: (why: string) => `downs not checked: ${why}`,
  downsNoneInLayout: "the layout has no down migrations",
  downsMissing: (name: string) => `${name} has no usable down migration`,
  downsNotReached: "the release did not apply",
} as const;
