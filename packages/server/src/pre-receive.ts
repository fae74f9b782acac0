/**
 * The pre-receive checker: every ref update of a push checked in one pass inside git's quarantine, then one verdict.
 * A short list of named steps: read input → config → check → decide → chain → record.
 */
import { resolve } from "node:path";
import {
  buildRangeChange,
  ConfigError,
  createDebug,
  describeError,
  ExitCode,
  formatRemoteLines,
  InternalError,
  isZeroOid,
  linesRead,
  ObjectReader,
  openRepo,
  pluginPolicies,
  refKind,
  runPolicies,
  type Config,
  type Finding,
  type RefUpdateInput,
  type Report,
  type Repo,
} from "@shipgate/core";
import { auditPath, recordAudit, writeAudit, type AuditEntry, type Verdict } from "./audit.js";
import { runChained } from "./chain.js";
import { auditFileWithoutConfig, loadServerConfig, locateServerConfig, narrowConfig, readPushedConfigs, type ServerConfig } from "./config.js";
import { HookInputError, IDENTITY_VARS, parsePushOptions, parseRefUpdates, pusherIdentity, readPushOptions, type Flavor } from "./input.js";
import { messages } from "./messages.js";

export interface PreReceiveOptions {
  /** Where git runs the hook (the repository); GIT_DIR in `env` wins as git sets it. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Everything git wrote to the hook's stdin. */
  input: Buffer;
  /** The server config path recorded in the hook script, or null to ask `git config shipgate.config`. */
  configPath: string | null;
  /** The hook this one replaced, run with the same input when shipgate accepts. */
  chained: string | null;
  flavor: Flavor;
  /** Receives each line for the pusher (git shows them as `remote: ...`). */
  log: (line: string) => void;
}

export interface PreReceiveResult {
  verdict: Verdict;
  exitCode: ExitCode;
  report: Report | null;
}

const PREFIX = "shipgate: ";
const debug = createDebug("shipgate:server");

/** What the steps share: the push as read, and what each step learned so far. */
interface Push {
  options: PreReceiveOptions;
  started: number;
  say: (line: string) => void;
  entry: AuditEntry;
  repo: Repo | null;
  updates: RefUpdateInput[];
  server: ServerConfig | null;
  auditFile: string | null;
}

export async function preReceive(options: PreReceiveOptions): Promise<PreReceiveResult> {
  const push = newPush(options);
  try {
    await readInput(push);
    const server = await readConfig(push);
    const report = await withTimeout(check(push, server), server.server.timeout, messages.timedOut(server.server.timeout));
    const decided = decide(push, server, report);
    // The chained hook speaks before the entry is written, so the entry holds the push's verdict, not only shipgate's.
    return record(push, decided.verdict === "refused" ? decided : await chain(push, decided));
  } catch (error) {
    return failed(push, error);
  }
}

function newPush(options: PreReceiveOptions): Push {
  return {
    options,
    started: performance.now(),
    say: (line) => options.log(`${PREFIX}${line}`),
    entry: {
      time: new Date().toISOString(),
      repo: options.cwd,
      user: null,
      verdict: "error-refused",
      refs: [],
      refCount: 0,
      commits: 0,
      findings: [],
      findingCount: 0,
      pushOptions: readPushOptions(options.env),
      durationMs: 0,
    },
    repo: null,
    updates: [],
    server: null,
    auditFile: null,
  };
}

/** Step 1: the repository and the ref updates on stdin (anything git would never send is refused). */
async function readInput(push: Push): Promise<void> {
  const repo = await openRepo(push.options.cwd, push.options.env);
  push.repo = repo;
  push.entry.repo = repo.commonDir;
  push.updates = parseRefUpdates(push.options.input, repo.objectFormat);
  push.entry.refs = push.updates.map((u) => ({ ref: u.name, old: u.oldOid, new: u.newOid }));
  push.entry.refCount = push.updates.length;
}

/** Step 2: the trusted server config (never pushed content), the audit log's place and who pushes. */
async function readConfig(push: Push): Promise<ServerConfig> {
  const repo = push.repo!;
  const server = await loadServerConfig(await locateServerConfig(repo, push.options.configPath), repo.commonDir);
  push.server = server;
  push.auditFile = auditPath(server.server.auditLog, repo.commonDir);
  push.entry.user = pusherIdentity(push.options.env, server.server.identityFrom ?? IDENTITY_VARS[push.options.flavor]);
  return server;
}

/** Step 3: the policies over the commits new to the repository, with a pushed config's narrowing when allowed. */
async function check(push: Push, server: ServerConfig): Promise<Report> {
  const repo = push.repo!;
  const { unknown } = parsePushOptions(push.entry.pushOptions);
  for (const option of unknown) push.say(messages.unknownOption(option));
  const reader = new ObjectReader(repo.git);
  try {
    const config = server.server.allowRepoConfig ? await narrowed(push, server, reader) : server.config;
    const extra = pluginPolicies(server.plugins);
    // The config is final before the Change is built, so it carries exactly the added lines the policies read.
    const lines = linesRead("pre-receive", config, { extra });
    const pushOptions = push.entry.pushOptions;
    // The baseline comes from the server's own config only: a pushed one could exempt the pusher's own commits.
    const baseline = server.config.baseline?.commit;
    const change = await buildRangeChange(repo, push.updates, { stage: "pre-receive", known: ["--all"], pushOptions, lines, objects: reader, baseline });
    const report = await runPolicies(change, config, { extra });
    if (debug.enabled) {
      const cpu = process.cpuUsage();
      debug(`checked in ${(performance.now() - push.started).toFixed(0)}ms, node cpu ${((cpu.user + cpu.system) / 1000).toFixed(0)}ms since start`);
    }
    return report;
  } finally {
    reader.close();
  }
}

async function narrowed(push: Push, server: ServerConfig, reader: ObjectReader): Promise<Config> {
  const tips = push.updates.filter((u) => refKind(u.name) === "branch" && !isZeroOid(u.newOid)).map((u) => ({ name: u.name, oid: u.newOid }));
  const pushed = await readPushedConfigs(async (spec) => {
    const object = await reader.read(spec);
    return object?.type === "blob" ? object.content : null;
  }, tips);
  const result = narrowConfig(server, pushed);
  for (const note of result.notes) push.say(note);
  return result.config;
}

interface Decided {
  verdict: Verdict;
  report: Report;
  errors: number;
}

/** Step 4: the verdict, from the findings (crashes of fail-open policies as warnings) and a bypass, if granted. */
function decide(push: Push, server: ServerConfig, report: Report): Decided {
  const crashedOpen = new Set(server.server.failOpenPolicies);
  const findings = report.findings.map((f): Finding => (f.crashed === true && crashedOpen.has(f.policy) ? { ...f, severity: "warn" } : f));
  const final: Report = { ...report, findings };
  const errors = findings.filter((finding) => finding.severity === "error").length;
  for (const line of formatRemoteLines(findings)) push.options.log(line);
  push.entry.commits = report.checked.commits;
  push.entry.findings = findings.map((f) => ({
    policy: f.policy,
    severity: f.severity,
    message: f.message,
    ...(f.ref !== undefined ? { ref: f.ref } : {}),
    ...(f.commit !== undefined ? { commit: f.commit } : {}),
    ...(f.path !== undefined ? { path: f.path } : {}),
    ...(f.line !== undefined ? { line: f.line } : {}),
  }));
  push.entry.findingCount = findings.length;
  let verdict: Verdict = errors > 0 ? "refused" : "accepted";
  const { bypass } = parsePushOptions(push.entry.pushOptions);
  if (bypass !== null) {
    const user = push.entry.user;
    const allowed = user !== null && server.server.bypassUsers.includes(user);
    const granted = allowed && bypass.reason !== "" && errors > 0;
    push.entry.bypass = { reason: bypass.reason.slice(0, 1000), granted };
    if (!allowed) push.say(messages.bypassDenied(user));
    else if (bypass.reason === "") push.say(messages.bypassNoReason);
    else if (errors === 0) push.say(messages.bypassUnused);
    if (granted) verdict = "bypassed";
  }
  return { verdict, report: final, errors };
}

/** Step 6: the audit entry (a bypass that cannot be recorded is refused), then the pusher's summary. */
function record(push: Push, decided: Decided): PreReceiveResult {
  const { verdict, report, errors } = decided;
  push.entry.verdict = verdict;
  push.entry.durationMs = Math.round(performance.now() - push.started);
  if (verdict === "bypassed") {
    try {
      writeAudit(push.auditFile!, push.entry);
    } catch (error) {
      // A bypass that leaves no record is not a bypass.
      push.say(messages.bypassNotAudited((error as Error).message));
      return { verdict: "refused", exitCode: ExitCode.Blocked, report };
    }
    push.say(messages.bypassed(push.entry.user ?? "", push.entry.bypass?.reason ?? ""));
  } else audit(push);
  if (verdict === "refused-by-chained") return { verdict, exitCode: ExitCode.Blocked, report };
  if (verdict === "refused") {
    push.say(messages.refused(errors, report.checked.commits));
    push.say(messages.refusedFooter);
    return { verdict, exitCode: ExitCode.Blocked, report };
  }
  const warnings = report.findings.length - errors;
  push.say(
    messages.passed(report.checked.commits, report.checked.refs, performance.now() - push.started) + (warnings > 0 ? `, ${messages.warnings(warnings)}` : ""),
  );
  return { verdict, exitCode: ExitCode.Pass, report };
}

/** Step 5: the hook this one replaced, with the same input, once shipgate let the push through; its refusal refuses it. */
async function chain<T extends { verdict: Verdict }>(push: Push, decided: T): Promise<T> {
  const { options } = push;
  if (options.chained === null) return decided;
  // The chained hook gets the server's time budget too (server.timeout); without one it may take as long as it needs.
  const code = await runChained(options.chained, options.input, options.env, options.cwd, options.log, push.server?.server.timeout ?? 0);
  // git runs hooks by a path relative to the repository; the log names the file wherever it is read.
  push.entry.chained = { hook: resolve(options.cwd, options.chained), exitCode: code };
  if (code === 0) return decided;
  push.say(messages.chainedFailed(options.chained, code));
  return { ...decided, verdict: "refused-by-chained" };
}

/** Any step failed: fail closed (or open, when configured and the failure is shipgate's own), with an audit entry. */
async function failed(push: Push, error: unknown): Promise<PreReceiveResult> {
  const { message, hint, exitCode } = describeError(error);
  push.entry.error = message;
  push.entry.durationMs = Math.round(performance.now() - push.started);
  push.say(messages.failure(error instanceof ConfigError ? "config" : error instanceof InternalError ? "internal" : "other", message));
  if (hint !== undefined) push.say(hint);
  // Input git would never send and a missing or broken config always refuse; only shipgate's own failures may fail open.
  const open = push.server !== null && push.server.server.failOpen && !(error instanceof HookInputError);
  push.say(open ? messages.failOpen : messages.failClosed);
  const verdict: Verdict = open ? (await chain<{ verdict: Verdict }>(push, { verdict: "error-accepted" })).verdict : "error-refused";
  push.entry.verdict = verdict;
  // Refused before the config was read (hook input git never sends, a broken config): the entry is still written.
  const { options } = push;
  const target =
    push.auditFile !== null ? { file: push.auditFile, fallback: false } : await auditFileWithoutConfig(options.cwd, options.env, options.configPath);
  if (recordAudit(target.file, push.entry, push.say) && target.fallback) push.say(messages.auditDefault(target.file));
  if (verdict === "error-accepted") return { verdict, exitCode: ExitCode.Pass, report: null };
  if (verdict === "refused-by-chained") return { verdict, exitCode: ExitCode.Blocked, report: null };
  return { verdict, exitCode: exitCode === ExitCode.Usage ? ExitCode.Usage : ExitCode.Internal, report: null };
}

function audit(push: Push): void {
  recordAudit(push.auditFile!, push.entry, push.say);
}

async function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  if (ms <= 0) return work;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new InternalError(message, { hint: messages.timeoutHint })), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
