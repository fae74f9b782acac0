/** The migrations policy's check: static rules over the release's new migrations, then the dynamic check. */
import { compileGlobs, isZeroOid, type Change, type Issue } from "@shipgate/core";
import { cacheOptions } from "./cache/options.js";
import { runInWorktree } from "./dynamic/test-command.js";
import { skipped, type DynamicSummary } from "./dynamic/summary.js";
import { verifyRelease } from "./dynamic/verify.js";
import { lintRelease, type MigrationSource } from "./lint.js";
import { messages } from "./messages.js";
import { collectReads, readQueryFile, type DeclaredQuery } from "./queries.js";
import type { MigrationsSettings } from "./settings.js";
import { loadParser } from "./sql/parse.js";
import { listTree, loadMigrations, readTexts } from "./tree.js";

export interface ReleaseCheck {
  issues: Issue[];
  added: MigrationSource[];
  previous: MigrationSource[];
  queries: DeclaredQuery[];
  /** What the dynamic check did: ran (on which engine, how far), skipped and why, or could not judge the release here. */
  dynamic: DynamicSummary;
}

/** Checks the release `to` against the previous release `from` (the zero id for a first release). */
export async function checkRelease(
  change: Change,
  from: string,
  to: string,
  settings: MigrationsSettings,
  log?: (line: string) => void,
): Promise<ReleaseCheck> {
  const { repo, objects } = change;
  const first = isZeroOid(from);
  // The parser compiles off the main thread while git reads the migrations; queries and migrations are parsed below.
  const [previous, current] = await Promise.all([
    first ? { sources: [], dirs: [] } : loadMigrations(repo, objects, from, settings),
    loadMigrations(repo, objects, to, settings),
    loadParser(),
  ]);
  const before = new Map(previous.sources.map((s) => [s.migration.up, s.up]));
  const added = current.sources.filter((s) => !before.has(s.migration.up) || (s.migration.repeatable && before.get(s.migration.up) !== s.up));
  const loaded = first ? { queries: [], errors: [] } : await loadQueries(change, from, settings.queries);
  const queries = loaded.queries;
  const oldReads = queries.length > 0 ? collectReads(queries) : null;
  const commitOf = new Map(change.files.map((f) => [f.path, f.commit]));
  const issue = (
    rule: string,
    finding: { severity: "error" | "warn"; path?: string; line?: number; column?: number; message: string; fix: string; inconclusive?: true },
  ): Issue => {
    const commit = finding.path === undefined ? undefined : commitOf.get(finding.path);
    return {
      message: `[${rule}] ${finding.message}`,
      fix: finding.fix,
      severity: finding.severity,
      ...(finding.path === undefined ? {} : { path: finding.path }),
      ...(finding.line === undefined ? {} : { line: finding.line }),
      ...(finding.column === undefined ? {} : { column: finding.column }),
      ...(commit ? { commit } : {}),
      ...(finding.inconclusive ? { inconclusive: true as const } : {}),
    };
  };
  const findings = await lintRelease(previous.sources, added, { rules: settings.rules, oldReads });
  const issues = findings.map((f) => issue(f.rule, f));
  for (const error of loaded.errors) issues.push(issue("old-query-invalid", { severity: "warn", ...error, fix: messages.queryFailsBeforeFix }));
  let dynamic: DynamicSummary = skipped(settings.dynamic ? messages.dynamicNothingAdded : messages.dynamicOff);
  if (settings.dynamic && added.length > 0) {
    const test = settings.test;
    const verify = await verifyRelease({
      previous: previous.sources,
      added,
      queries,
      databaseUrl: settings.database?.url,
      runOldTests: test && !first ? (url) => runInWorktree(repo, from, test, url) : null,
      cache: cacheOptions(repo.commonDir),
      ...(log ? { log } : {}),
    });
    issues.push(...verify.findings.map((f) => issue(f.rule, f)));
    dynamic = verify.summary;
  }
  return { issues, added, previous: previous.sources, queries, dynamic };
}

/** The previous release's declared queries: every file at `rev` matching the `queries` globs. */
async function loadQueries(
  change: Change,
  rev: string,
  globs: readonly string[],
): Promise<{ queries: DeclaredQuery[]; errors: { path: string; line: number; message: string }[] }> {
  if (globs.length === 0) return { queries: [], errors: [] };
  const match = compileGlobs(globs);
  const entries = (await listTree(change.repo, rev, ["."])).filter((e) => match(e.path));
  const texts = await readTexts(change.objects, entries);
  const queries: DeclaredQuery[] = [];
  const errors: { path: string; line: number; message: string }[] = [];
  for (const [path, text] of texts) {
    const read = readQueryFile(path, text);
    queries.push(...read.queries);
    if (read.error) errors.push({ path, line: read.error.line, message: messages.queryFileInvalid(read.error.message) });
  }
  return { queries, errors };
}
