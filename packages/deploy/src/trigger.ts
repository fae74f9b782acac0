/**
 * The post-receive trigger: for each pushed ref that an environment's trigger matches, write a durable job into the
 * environment's queue slot, start a detached worker, and print one line per matching ref. It never deploys and never
 * holds the push: the settings come from the trusted server config (through a cache), the ledger is read once per
 * push, and a job is two git calls.
 */
import { ledgerRefs, Ledger, type LedgerEntry } from "@shipgate/core/ledger";
import { appendAudit } from "./audit.js";
import { auditLogPath, loadDeploySettings } from "./config.js";
import { badMarker, reasonOf } from "./bad.js";
import { newJobId, type Job, type JobRelease } from "./job.js";
import { messages } from "./messages.js";
import { enqueue } from "./queue.js";
import type { DeploySettings, EnvironmentSettings } from "./settings.js";

export interface TriggerOptions {
  gitDir: string;
  /** The trusted server config recorded at install. */
  configFile: string;
  /** The hook's stdin: `<old> <new> <ref>` per line. */
  input: string;
  /** The authenticated pusher, as the git host tells it. */
  who: string;
  env: NodeJS.ProcessEnv;
  /** One line for the pusher (shown as `remote: ...`). */
  print: (line: string) => void;
  /** Starts (or wakes) a detached worker; called once when something was queued. */
  startWorker: () => void;
}

export interface TriggerResult {
  queued: Job[];
}

interface Candidate {
  env: string;
  release: JobRelease;
}

export async function postReceive(options: TriggerOptions): Promise<TriggerResult> {
  const updates = parseUpdates(options.input);
  if (updates.length === 0) return { queued: [] };
  const settings = await loadDeploySettings(options.configFile, options.gitDir);
  const matches = match(settings, updates);
  if (matches.length === 0) return { queued: [] };
  const ledger = Ledger.at(options.gitDir, options.env, (updates[0]?.sha.length ?? 40) === 64 ? "sha256" : "sha1");
  await peel(ledger, matches);
  const envs = [...new Set(matches.map((candidate) => candidate.env))];
  const entries = await ledger.read(envs.map((env) => `${ledgerRefs(env).base}/`));
  const audit = auditLogPath(settings, options.gitDir);
  const queued: Job[] = [];
  for (const env of envs) {
    const [chosen, ...replaced] = newestFirst(matches.filter((candidate) => candidate.env === env));
    if (chosen === undefined) continue;
    for (const older of replaced) options.print(messages.replacedInPush(older.release.tag, env, chosen.release.tag));
    const refusal = refuse(entries, chosen);
    if (refusal !== null) {
      options.print(refusal);
      appendAudit(audit, { event: "not-queued", env, tag: chosen.release.tag, sha: chosen.release.sha, who: options.who, reason: refusal });
      continue;
    }
    const job: Job = { id: newJobId(env), env, kind: "deploy", release: chosen.release, trigger: "push", who: options.who, queuedAt: new Date().toISOString() };
    const { superseded } = await enqueue(ledger, job, entries.get(ledgerRefs(env).queued) ?? null);
    appendAudit(audit, { event: "queued", env, deploy: job.id, tag: job.release.tag, sha: job.release.sha, who: job.who });
    if (superseded !== null) appendAudit(audit, { event: "superseded", env, deploy: superseded.id, tag: superseded.release.tag, by: job.id });
    options.print(messages.queued(job.release.tag, env, superseded?.release.tag ?? null));
    queued.push(job);
  }
  if (queued.length > 0) options.startWorker();
  return { queued };
}

interface Update {
  sha: string;
  ref: string;
}

/** Created or updated refs (deletions start no deploy). */
function parseUpdates(input: string): Update[] {
  const updates: Update[] = [];
  for (const line of input.split("\n")) {
    const [, sha = "", ref = ""] = line.trim().split(" ");
    if (/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha) && !/^0+$/.test(sha) && ref.startsWith("refs/")) updates.push({ sha, ref });
  }
  return updates;
}

function match(settings: DeploySettings, updates: readonly Update[]): Candidate[] {
  const found: Candidate[] = [];
  for (const [env, environment] of Object.entries(settings.environments)) {
    for (const { sha, ref } of updates) {
      const name = triggered(environment, ref);
      if (name !== null) found.push({ env, release: { tag: name, sha, ref } });
    }
  }
  return found;
}

/** The tag or branch name when `ref` matches the environment's trigger, else null. */
export function triggered(environment: EnvironmentSettings, ref: string): string | null {
  const { tags = [], branches = [] } = environment.trigger;
  if (ref.startsWith("refs/tags/")) {
    const name = ref.slice("refs/tags/".length);
    return tags.some((pattern) => globToRegExp(pattern).test(name)) ? name : null;
  }
  if (ref.startsWith("refs/heads/")) {
    const name = ref.slice("refs/heads/".length);
    return branches.some((pattern) => globToRegExp(pattern).test(name)) ? name : null;
  }
  return null;
}

/** `*` within one path segment, `**` across them, `?` one character; everything else literal. */
export function globToRegExp(glob: string): RegExp {
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] as string;
    if (char === "*" && glob[i + 1] === "*") {
      source += ".*";
      i++;
    } else if (char === "*") source += "[^/]*";
    else if (char === "?") source += "[^/]";
    else source += char.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

/** Annotated tags name a tag object: the release is the commit it points at (one `rev-parse` for all of them). */
async function peel(ledger: Ledger, candidates: Candidate[]): Promise<void> {
  const out = await ledger.git.text(["rev-parse", ...candidates.map((candidate) => `${candidate.release.sha}^{commit}`)]);
  out.split("\n").forEach((sha, i) => {
    const candidate = candidates[i];
    if (candidate !== undefined && sha !== "") candidate.release.sha = sha;
  });
}

/** Several refs of one push for one environment: the newest version wins (`v10` after `v9`). */
function newestFirst(candidates: Candidate[]): Candidate[] {
  return [...candidates].sort((a, b) => b.release.tag.localeCompare(a.release.tag, "en", { numeric: true }));
}

/** The line that tells the pusher why nothing was queued, or null when the release may be queued. */
function refuse(entries: Map<string, LedgerEntry>, candidate: Candidate): string | null {
  const frozen = entries.get(ledgerRefs(candidate.env).frozen);
  if (frozen !== undefined) return messages.frozenPush(candidate.release.tag, candidate.env, reasonOf(frozen));
  const bad = badMarker(entries, candidate.env, candidate.release);
  if (bad !== null) return messages.badPush(candidate.release.tag, candidate.env, reasonOf(bad));
  return null;
}
