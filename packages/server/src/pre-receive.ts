/** The pre-receive checker: every ref update of a push checked in one pass inside git's quarantine, then one verdict. */
import {
  buildRangeChange,
  createDebug,
  describeError,
  ExitCode,
  InternalError,
  isZeroOid,
  linesRead,
  loadExternalPolicies,
  messages as coreMessages,
  ObjectReader,
  openRepo,
  refKind,
  runPolicies,
  type ExternalLoaders,
  type Report,
} from "@shipgate/core";
import { auditPath, writeAudit, type AuditEntry, type Verdict } from "./audit.js";
import { runChained } from "./chain.js";
import { loadServerConfig, locateServerConfig, narrowConfig, readPushedConfigs, type ServerConfig } from "./config.js";
import { HookInputError, IDENTITY_VARS, parsePushOptions, parseRefUpdates, pusherIdentity, readPushOptions, type Flavor } from "./input.js";
import { messages } from "./messages.js";
import { errorCount, formatFindings } from "./report.js";

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

/** Policies from optional packages, loaded only when the server config turns them on. */
const EXTERNAL_LOADERS: ExternalLoaders = {
  "migrations-immutable": () => import("@shipgate/migrations/immutability"),
};

export async function preReceive(options: PreReceiveOptions): Promise<PreReceiveResult> {
  const started = performance.now();
  const say = (line: string) => options.log(`${PREFIX}${line}`);
  const pushOptions = readPushOptions(options.env);
  const entry: AuditEntry = {
    time: new Date().toISOString(),
    repo: options.cwd,
    user: null,
    verdict: "error-refused",
    refs: [],
    refCount: 0,
    commits: 0,
    findings: [],
    findingCount: 0,
    pushOptions,
    durationMs: 0,
  };
  let server: ServerConfig | null = null;
  let auditFile: string | null = null;
  let objects: ObjectReader | null = null;
  try {
    const repo = await openRepo(options.cwd, options.env);
    entry.repo = repo.commonDir;
    const updates = parseRefUpdates(options.input, repo.objectFormat);
    entry.refs = updates.map((u) => ({ ref: u.name, old: u.oldOid, new: u.newOid }));
    entry.refCount = updates.length;
    server = loadServerConfig(await locateServerConfig(repo, options.configPath));
    auditFile = auditPath(server.server.auditLog, repo.commonDir);
    entry.user = pusherIdentity(options.env, server.server.identityFrom ?? IDENTITY_VARS[options.flavor]);
    const { bypass, unknown } = parsePushOptions(pushOptions);
    for (const option of unknown) say(messages.unknownOption(option));

    const timeout = server.server.timeout;
    const check = async (): Promise<Report> => {
      const reader = new ObjectReader(repo.git);
      objects = reader;
      let config = server!.config;
      if (server!.server.allowRepoConfig) {
        const tips = updates.filter((u) => refKind(u.name) === "branch" && !isZeroOid(u.newOid)).map((u) => ({ name: u.name, oid: u.newOid }));
        const pushed = await readPushedConfigs(async (spec) => {
          const object = await reader.read(spec);
          return object?.type === "blob" ? object.content : null;
        }, tips);
        const narrowed = narrowConfig(server!, pushed);
        for (const note of narrowed.notes) say(note);
        config = narrowed.config;
      }
      const external = await loadExternalPolicies(config, EXTERNAL_LOADERS);
      // The config is final before the Change is built, so it carries exactly the added lines the policies read.
      const lines = linesRead("pre-receive", external.config, { extra: external.extra });
      const change = await buildRangeChange(repo, updates, { stage: "pre-receive", known: ["--all"], pushOptions, lines, objects: reader });
      return runPolicies(change, external.config, { extra: external.extra });
    };
    const report = await withTimeout(check(), timeout, messages.timedOut(timeout));
    if (debug.enabled) {
      const cpu = process.cpuUsage();
      debug(`checked in ${(performance.now() - started).toFixed(0)}ms, node cpu ${((cpu.user + cpu.system) / 1000).toFixed(0)}ms since start`);
    }
    const crashedOpen = new Set(server.server.failOpenPolicies);
    const findings = report.findings.map((f) =>
      f.fix === coreMessages.policyCrashedFix && crashedOpen.has(f.policy) ? { ...f, severity: "warn" as const } : f,
    );
    const finalReport: Report = { ...report, findings };
    entry.commits = report.checked.commits;
    entry.findings = findings.map((f) => ({
      policy: f.policy,
      severity: f.severity,
      message: f.message,
      ...(f.ref !== undefined ? { ref: f.ref } : {}),
      ...(f.commit !== undefined ? { commit: f.commit } : {}),
      ...(f.path !== undefined ? { path: f.path } : {}),
      ...(f.line !== undefined ? { line: f.line } : {}),
    }));
    entry.findingCount = findings.length;
    const errors = errorCount(finalReport);
    for (const line of formatFindings(findings)) options.log(line);

    let verdict: Verdict = errors > 0 ? "refused" : "accepted";
    if (bypass !== null) {
      const allowed = entry.user !== null && server.server.bypassUsers.includes(entry.user);
      const granted = allowed && bypass.reason !== "" && errors > 0;
      entry.bypass = { reason: bypass.reason.slice(0, 1000), granted };
      if (!allowed) say(messages.bypassDenied(entry.user));
      else if (bypass.reason === "") say(messages.bypassNoReason);
      else if (errors === 0) say(messages.bypassUnused);
      if (granted) verdict = "bypassed";
    }
    entry.verdict = verdict;
    entry.durationMs = Math.round(performance.now() - started);
    if (verdict === "bypassed") {
      try {
        writeAudit(auditFile, entry);
      } catch (error) {
        // A bypass that leaves no record is not a bypass.
        say(messages.bypassNotAudited((error as Error).message));
        return { verdict: "refused", exitCode: ExitCode.Blocked, report: finalReport };
      }
      say(messages.bypassed(entry.user ?? "", bypass?.reason ?? ""));
    } else audit(auditFile, entry, say);

    if (verdict === "refused") {
      say(messages.refused(errors, report.checked.commits));
      say(messages.refusedFooter);
      return { verdict, exitCode: ExitCode.Blocked, report: finalReport };
    }
    const warnings = findings.length - errors;
    say(messages.passed(report.checked.commits, report.checked.refs, performance.now() - started) + (warnings > 0 ? `, ${messages.warnings(warnings)}` : ""));
    return chain(options, verdict, finalReport, say);
  } catch (error) {
    const { message, hint } = describeError(error);
    entry.error = message;
    entry.durationMs = Math.round(performance.now() - started);
    say(messages.internalError(message));
    if (hint !== undefined) say(hint);
    // Input git would never send and a missing or broken config always refuse; only shipgate's own failures may fail open.
    const open = server !== null && server.server.failOpen && !(error instanceof HookInputError);
    entry.verdict = open ? "error-accepted" : "error-refused";
    if (auditFile !== null) audit(auditFile, entry, say);
    say(open ? messages.failOpen : messages.failClosed);
    if (open) return chain(options, "error-accepted", null, say);
    return { verdict: "error-refused", exitCode: describeError(error).exitCode === ExitCode.Usage ? ExitCode.Usage : ExitCode.Internal, report: null };
  } finally {
    (objects as ObjectReader | null)?.close();
  }
}

function audit(file: string, entry: AuditEntry, say: (line: string) => void): void {
  try {
    writeAudit(file, entry);
  } catch (error) {
    say(messages.auditFailed((error as Error).message));
  }
}

async function chain(options: PreReceiveOptions, verdict: Verdict, report: Report | null, say: (line: string) => void): Promise<PreReceiveResult> {
  if (options.chained === null) return { verdict, exitCode: ExitCode.Pass, report };
  const code = await runChained(options.chained, options.input, options.env, options.cwd, options.log);
  if (code === 0) return { verdict, exitCode: ExitCode.Pass, report };
  say(messages.chainedFailed(options.chained, code));
  return { verdict: "refused", exitCode: ExitCode.Blocked, report };
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
