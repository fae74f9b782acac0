/** The three client hooks as library calls: each builds its Change, runs the policies and returns the report. */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  buildMessageChange,
  buildRangeChange,
  buildStagedChange,
  currentBranch,
  findConfigFile,
  inheritedGit,
  isOid,
  isZeroOid,
  linesRead,
  loadConfigCached,
  openRepo,
  runPolicies,
  UsageError,
  pluginPolicies,
  type ConfigWithPlugins,
  type Git,
  type PluginImporter,
  type Report,
  type Repo,
  type RefUpdateInput,
} from "@shipgate/core";
import { applyFixes, type AppliedFixes } from "./apply-fixes.js";
import { clearFixRecord, recordFixes, undoRecordedFixes } from "./fix-journal.js";
import { commitAttempt } from "./attempt.js";
import { abortsAsEmpty, gitArguments, mightBeEmpty, type CleanupSettings } from "./empty-message.js";
import { hookTools, toolPlan } from "./daemon/host.js";
import { messages } from "./messages.js";
import { removeDeadScratchDirs } from "./scratch.js";
import { readSkips } from "./skip.js";

export interface HookContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Where notices go (skips, fixes); the caller prints the report itself. */
  log: (line: string) => void;
  /** An explicit config file (else `.shipgate.yml` at the repository root, else the recommended preset). */
  configFile?: string;
  /** Lets the entry point keep undoing applied fixes on Ctrl-C until it exits (see applyFixes). */
  armUndo?: (undo: () => void) => void;
  /** Resolves the plugin packages a config names (migrations, deploy) from the entry point's package. */
  importPlugin?: PluginImporter;
}

export interface HookOutcome {
  /** Null when SHIPGATE=0 skipped the hook. */
  report: Report | null;
  fixes?: AppliedFixes;
  exitCode: number;
  /** Lines to print after the report (what a refusal undid). */
  after?: string[];
}

interface Ready {
  repo: Repo;
  skip: string[];
  /** Loads the config and its plugins; call it after starting the hook's git reads so both proceed at once. */
  config: () => Promise<ConfigWithPlugins>;
}

/** An entry point that resolves no plugins: a config naming one is answered with the package to install. */
const noPlugins: PluginImporter = (specifier) =>
  Promise.reject(Object.assign(new Error(`Cannot find package '${specifier}'`), { code: "ERR_MODULE_NOT_FOUND" }));

async function setup(ctx: HookContext): Promise<Ready | null> {
  const skips = readSkips(ctx.env);
  for (const notice of skips.notices) ctx.log(notice);
  if (skips.all) return null;
  const repo = await openRepo(ctx.cwd, ctx.env, { head: true }); // HEAD with the repository: one git process, not three
  const file = ctx.configFile ?? (repo.topLevel ? findConfigFile(repo.topLevel) : null);
  return { repo, skip: skips.policies, config: () => startLoading(file, repo.gitDir, ctx.importPlugin ?? noPlugins) };
}

/** Starts the config load; its failure is seen where the hook awaits it, never as an unhandled rejection before. */
function startLoading(file: string | null, gitDir: string, importer: PluginImporter): Promise<ConfigWithPlugins> {
  const loading = loadConfigCached(file, gitDir, importer);
  loading.catch(() => undefined);
  return loading;
}

/** pre-commit: checks the staged content; fixers rewrite it without touching unstaged work. */
export async function runPreCommit(ctx: HookContext): Promise<HookOutcome> {
  const ready = await setup(ctx);
  if (!ready) return { report: null, exitCode: 0 };
  const { repo, skip } = ready;
  const pending = buildStagedChange(repo);
  const loading = ready.config();
  removeDeadScratchDirs(repo.gitDir);
  clearFixRecord(repo.gitDir); // a new commit attempt: what an earlier one recorded is no longer undone
  const change = await pending;
  const { config, plugins } = await loading;
  const tools = hookTools(repo, ctx.env, ctx.log, toolPlan(config, skip)); // eslint and prettier on the lint daemon, or here
  try {
    const report = await runPolicies(change, config, { skip, fixing: true, extra: pluginPolicies(plugins), log: ctx.log, tools }).finally(() => tools.close());
    // A refused commit changes nothing: fixes are written only when the commit will go ahead.
    if (report.fixes.length === 0 || report.exitCode !== 0) {
      if (report.fixes.length > 0) ctx.log(messages.fixesNotApplied(report.fixes.length));
      return { report, exitCode: report.exitCode };
    }
    const fixes = await applyFixes(repo, change.files, report.fixes, change.objects, ctx.armUndo ? { armUndo: ctx.armUndo } : {});
    if (fixes.interrupted) {
      ctx.log(messages.interrupted);
      return { report, fixes, exitCode: 130 };
    }
    if (fixes.staged.length > 0) ctx.log(messages.fixedFiles(fixes.staged.length));
    reportKept(ctx, fixes);
    if (fixes.staged.length > 0 && (await nothingStaged(repo))) {
      fixes.undo(); // a refused commit changes nothing
      ctx.log(messages.emptyAfterFix);
      ctx.log(`  ${messages.emptyAfterFixHint}`);
      return { report, fixes, exitCode: 1 };
    }
    // A later hook of this commit (commit-msg) that refuses puts these fixes back.
    if (fixes.record) await recordFixes(repo, fixes.record);
    return { report, fixes, exitCode: report.exitCode };
  } finally {
    change.objects.close();
  }
}

/** One line per reason a work-tree copy was left as it is, naming the files. */
function reportKept(ctx: HookContext, fixes: AppliedFixes): void {
  const lines = { unstaged: messages.keptUnstaged, changed: messages.keptChanged, filtered: messages.keptFiltered, unconvertible: messages.keptUnconvertible };
  for (const [reason, message] of Object.entries(lines)) {
    const paths = fixes.kept.filter((k) => k.reason === reason).map((k) => k.path);
    if (paths.length > 0) ctx.log(message(paths));
  }
  for (const { path, savedAs } of fixes.rescued) ctx.log(messages.rescued(path, savedAs));
}

async function nothingStaged(repo: Repo): Promise<boolean> {
  const head = await repo.git.probe(["rev-parse", "-q", "--verify", "HEAD^{commit}"]);
  const result = await repo.git.run(["diff-index", "--cached", "--quiet", head ?? repo.emptyTree, "--"], { okCodes: [0, 1] });
  return result.code === 0 && head !== null;
}

/** commit-msg: checks the message file after removing comments and everything below the scissors line. */
export async function runCommitMsg(ctx: HookContext, messageFile: string): Promise<HookOutcome> {
  const settings = commentSettings(inheritedGit(ctx.cwd, ctx.env)); // beside openRepo: one git process less to wait for
  const ready = await setup(ctx);
  if (!ready) return { report: null, exitCode: 0 };
  const { repo, skip } = ready;
  let raw: string;
  try {
    raw = readFileSync(resolve(ctx.cwd, messageFile), "utf8");
  } catch {
    throw new UsageError(messages.messageFileMissing(messageFile), { hint: messages.messageFileHint });
  }
  const pending = Promise.all([resolveCommentChar(settings, raw), currentBranch(repo)]);
  const loading = ready.config();
  const [commentChar, branch] = await pending;
  const { config, plugins } = await loading;
  const change = buildMessageChange(repo, cleanMessage(raw, commentChar), messageFile, branch);
  const report = await runPolicies(change, config, { skip, extra: pluginPolicies(plugins) });
  change.objects.close();
  return { report, exitCode: report.exitCode };
}

/** commit-msg as git runs it: a refusal, or a failure to judge, also undoes what pre-commit fixed for this commit. */
export async function runCommitMsgHook(ctx: HookContext, messageFile: string): Promise<HookOutcome> {
  let outcome: HookOutcome;
  try {
    outcome = await runCommitMsg(ctx, messageFile);
  } catch (error) {
    for (const line of await undoFixes(ctx)) ctx.log(line);
    throw error;
  }
  if (outcome.exitCode !== 0) return { ...outcome, after: await undoFixes(ctx) };
  return (await gitAbortsAsEmpty(ctx, messageFile)) ? { ...outcome, after: await undoFixes(ctx, messages.emptyMessageAbort) } : outcome;
}

/** Whether git aborts this commit for its empty message once commit-msg has passed (see empty-message.ts). */
async function gitAbortsAsEmpty(ctx: HookContext, messageFile: string): Promise<boolean> {
  let raw: string;
  try {
    raw = readFileSync(resolve(ctx.cwd, messageFile), "utf8");
  } catch {
    return false;
  }
  if (!mightBeEmpty(raw)) return false;
  const attempt = await commitAttempt();
  const args = attempt === null ? null : gitArguments(attempt.pid);
  if (args === null) return false;
  return abortsAsEmpty(raw, args, await cleanupSettings(commentSettings(inheritedGit(ctx.cwd, ctx.env)), raw));
}

/**
 * Undoes the fixes this commit's pre-commit recorded: what the installed commit-msg hook runs when another tool
 * refuses the commit after pre-commit.
 */
export async function runUndoFixes(ctx: HookContext): Promise<HookOutcome> {
  return { report: null, exitCode: 0, after: await undoFixes(ctx) };
}

/** Puts back what this commit's pre-commit fixed, if it recorded anything; the lines that say what went back. */
async function undoFixes(ctx: HookContext, why: string = messages.refusedCommit): Promise<string[]> {
  const undone = await undoRecordedFixes(await openRepo(ctx.cwd, ctx.env));
  if (undone === null) return [];
  const lines = [messages.fixesUndone(why, undone.indexEntries, undone.workTree.length)];
  if (undone.keptSaved.length > 0) lines.push(messages.undoKeptSaved(undone.keptSaved));
  return lines;
}

/** What git itself would keep with `--cleanup=strip`: no comment lines, nothing after the scissors line. */
export function cleanMessage(raw: string, commentChar: string | null): string {
  const lines = raw.replace(/\r\n/g, "\n").split("\n");
  const kept: string[] = [];
  for (const line of lines) {
    if (commentChar !== null && line === `${commentChar} ------------------------ >8 ------------------------`) break;
    if (commentChar !== null && line.startsWith(commentChar)) continue;
    kept.push(line.trimEnd());
  }
  return (
    kept
      .join("\n")
      .replace(/\n{3,}/g, "\n\n")
      .trim() + "\n"
  );
}

/** Both settings in one git call (a hook runs on every commit: every process counts). */
function commentSettings(git: Git): Promise<string | null> {
  const listed = git.probe(["config", "-z", "--get-regexp", "^(commit\\.cleanup|core\\.commentchar)$"]);
  listed.catch(() => undefined); // awaited once the message is read; a skipped hook never does
  return listed;
}

async function resolveCommentChar(settings: Promise<string | null>, message: string): Promise<string | null> {
  const { cleanup, commentChar } = await cleanupSettings(settings, message);
  return cleanup === "verbatim" || cleanup === "whitespace" ? null : commentChar;
}

/** commit.cleanup as configured, and the comment character git strips with for this message. */
async function cleanupSettings(settings: Promise<string | null>, message: string): Promise<CleanupSettings> {
  const listed = await settings;
  const values = new Map<string, string>();
  for (const record of (listed ?? "").split("\0")) {
    const newline = record.indexOf("\n");
    if (newline > 0) values.set(record.slice(0, newline).toLowerCase(), record.slice(newline + 1));
  }
  const cleanup = values.get("commit.cleanup")?.toLowerCase();
  const configured = values.get("core.commentchar") ?? "#";
  if (configured !== "auto") return { cleanup, commentChar: configured.slice(0, 1) || "#" };
  // "auto": git picks the first of these that starts no line of the message.
  const candidates = ["#", ";", "@", "!", "$", "%", "^", "&", "|", ":"];
  return { cleanup, commentChar: candidates.find((c) => !message.split("\n").some((line) => line.startsWith(c))) ?? "#" };
}

/** pre-push: each stdin line is `<local ref> <local oid> <remote ref> <remote oid>`; only commits new to the remote count. */
export async function runPrePush(ctx: HookContext, remote: string, stdin: string): Promise<HookOutcome> {
  const ready = await setup(ctx);
  if (!ready) return { report: null, exitCode: 0 };
  const { repo, skip } = ready;
  const updates = parsePushLines(stdin);
  const known = [...new Set(updates.map((u) => u.oldOid).filter((oid) => !isZeroOid(oid)))];
  if (/^[A-Za-z0-9][\w.-]*$/.test(remote)) known.push(`--remotes=${remote}/*`);
  const { config, plugins } = await ready.config();
  const options = { skip, extra: pluginPolicies(plugins) };
  const change = await buildRangeChange(repo, updates, {
    stage: "pre-push",
    known,
    lines: linesRead("pre-push", config, options),
    baseline: config.baseline?.commit,
  });
  const report = await runPolicies(change, config, options);
  change.objects.close();
  return { report, exitCode: report.exitCode };
}

export function parsePushLines(stdin: string): RefUpdateInput[] {
  const updates: RefUpdateInput[] = [];
  for (const line of stdin.split("\n")) {
    if (line.trim() === "") continue;
    const parts = line.split(" ");
    const [, localOid = "", remoteRef = "", remoteOid = ""] = parts;
    if (parts.length !== 4 || !isOid(localOid) || !isOid(remoteOid) || !remoteRef.startsWith("refs/")) {
      throw new UsageError(messages.badPushLine(line), { hint: messages.badPushLineHint });
    }
    updates.push({ name: remoteRef, oldOid: remoteOid, newOid: localOid });
  }
  return updates;
}
