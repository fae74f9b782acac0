/** Every sentence the deploy package says, in one place: what happened, and how to go on. */
import type { DeployRecord, State } from "./job.js";
import type { LockData } from "./lock.js";
import type { Release } from "./types.js";

const GUIDE = "server-hooks/README.md#deploys";
const ms = (value: number | undefined) => (value === undefined ? "?" : value < 1000 ? `${value}ms` : `${(value / 1000).toFixed(1)}s`);
const follow = (env: string) => `shipgate status --env ${env} --follow`;

export const messages = {
  // the post-receive trigger: exactly one line per pushed ref an environment matches
  queued: (tag: string, env: string, replaced: string | null) =>
    `shipgate: ${tag} queued for ${env}${replaced === null ? "" : ` (replaces ${replaced}, which had not started)`} — follow with: ${follow(env)}`,
  replacedInPush: (tag: string, env: string, newer: string) => `shipgate: ${tag} not queued for ${env}: ${newer} in the same push replaces it`,
  frozenPush: (tag: string, env: string, reason: string) =>
    `shipgate: ${tag} not queued: ${env} is frozen (${reason}) — once it is fixed: shipgate unfreeze --env ${env} --reason "..."`,
  badPush: (tag: string, env: string, reason: string) =>
    `shipgate: ${tag} not queued: it is marked bad in ${env} (${reason}) — to deploy it anyway: shipgate deploy ${tag} --env ${env} --allow-bad --reason "..."`,
  hookNeedsConfig: "shipgate: the post-receive hook was installed without --config; no deploy was queued (re-run shipgate server install)",
  triggerFailed: (error: string) => `shipgate: no deploy was queued: ${error} (the push itself succeeded)`,

  // jobs the worker takes but must not deploy
  frozenSkip: (env: string, reason: string) => `${env} is frozen (${reason}); nothing deploys there until someone runs shipgate unfreeze`,
  badSkip: (tag: string, env: string, reason: string) => `${tag} is marked bad in ${env} (${reason}); it is never deployed again automatically`,
  unconfiguredWork: (env: string, source: string) => `shipgate: ${env} has a queued or unfinished deploy but ${source} no longer configures it; left alone`,

  // the machine
  entered: (record: DeployRecord, state: State) => `shipgate: ${record.env} ${record.release.tag}: ${state}`,
  lockedFor: (record: DeployRecord) => `${record.env} locked for ${record.kind === "rollback" ? "a rollback to" : "the deploy of"} ${record.release.tag}`,
  gateRefused: (tag: string, reason: string) => `the release gate refused ${tag}: ${reason}`,
  verifierBroken: (tag: string, reason: string) =>
    `${tag} was not deployed: a verifier would fail whatever the release does (${reason}); fix the environment's verify settings`,
  gateUnavailable: "gate: true is set but this installation has no release gate; nothing was deployed (install @shipgate/migrations or unset gate)",
  deployFailed: (tag: string, reason: string) => `deploying ${tag} failed: ${reason}`,
  verifyFailed: (tag: string, reason: string) => `${tag} failed verification: ${reason}`,
  promoted: (tag: string, env: string) => `${tag} passed verification and is the last good release of ${env}`,
  markedBad: (tag: string) => `${tag} marked bad: never deployed again automatically`,
  nothingToRestore: (tag: string) => `${tag} failed and no other release passed verification here before: there is nothing to restore`,
  restoreFailed: (tag: string, reason: string) => `putting ${tag} back failed: ${reason}`,
  restoreUnhealthy: (tag: string, reason: string) => `${tag} was put back but failed its verification too: ${reason}`,
  restored: (record: DeployRecord, target: Release) =>
    record.kind === "rollback"
      ? `rolled back to ${target.tag}, which passed verification`
      : `${record.failure ?? `${record.release.tag} failed`}; ${target.tag} is back and passed verification`,
  stepThrew: (error: string) => `the step failed with an error: ${error}`,
  stopped: "the worker was told to stop",
  interrupted: (state: State) => `interrupted: the worker stopped during ${state}`,
  stoppedTwice: (state: State, tag: string) => `the worker stopped twice during ${state} of ${tag}; not trying a third time`,
  resuming: (record: DeployRecord, next: State) =>
    `shipgate: resuming ${record.env} ${record.release.tag}, left in ${record.state} by a worker that stopped; carrying on with ${next}`,
  tookOver: (env: string, from: LockData, why: string) => `shipgate: took over the lock of ${env} from pid ${from.pid} on ${from.host}: ${why}`,

  // notifications
  notifyStart: (record: DeployRecord) =>
    `shipgate: ${record.kind === "rollback" ? "rolling back" : "deploying"} ${record.release.tag} to ${record.env} (by ${record.who}, ${record.trigger})`,
  notifyVerdict: (record: DeployRecord) => {
    const { env, release, timings } = record;
    switch (record.verdict) {
      case "promoted":
        return `shipgate: ${release.tag} is live in ${env} (verified in ${ms(timings.verifyMs)})`;
      case "restored":
        return record.kind === "rollback"
          ? `shipgate: ${env} rolled back to ${release.tag}`
          : `shipgate: ${release.tag} failed in ${env}; ${record.restoreTarget?.tag ?? "the last good release"} restored in ${ms(timings.timeToRestoreMs)} (${record.failure ?? ""})`;
      case "frozen":
        return `shipgate: ${env} is FROZEN: ${record.reason ?? ""}. Nothing deploys there until: shipgate unfreeze --env ${env} --reason "..."`;
      case "refused":
        return `shipgate: ${release.tag} was not deployed to ${env}: ${record.reason ?? ""}`;
      default:
        return `shipgate: ${release.tag} in ${env}: ${record.verdict ?? record.state}`;
    }
  },

  // status --follow
  following: (kind: string, tag: string, env: string, id: string) => `shipgate: following the ${kind} of ${tag} to ${env} (${id})\n`,
  followEnded: (record: DeployRecord) =>
    `shipgate: ${record.release.tag} in ${record.env}: ${record.verdict ?? record.state} (exit ${record.exitCode ?? "?"})${record.reason === undefined ? "" : ` — ${record.reason}`}\n`,
  followGone: (tag: string, env: string) => `shipgate: ${tag} left the queue of ${env} without a record: a newer push replaced it\n`,

  // commands and their input
  busy: (env: string, holder: LockData | null) =>
    holder === null
      ? `${env} is being deployed by another process`
      : `${env} is being deployed by ${holder.owner} (${holder.purpose}, pid ${holder.pid} on ${holder.host}, since ${holder.startedAt})`,
  busyHint: (env: string) => `Wait for it (${follow(env)}), then run your command again; nothing was changed.`,
  unknownEnv: (name: string, known: readonly string[], source: string) =>
    `unknown environment "${name}": ${source} configures ${known.length === 0 ? "no environments" : known.join(", ")}`,
  unknownEnvHint: `Name one of the environments under deploy.environments, or add it there (see ${GUIDE}).`,
  noSuchTag: (name: string) => `there is no tag or branch named "${name}" in this repository`,
  noSuchTagHint: "Check the name with `git tag --list`, and fetch or push the tag first if it was made elsewhere.",
  rollbackToBad: (tag: string, env: string) => `${tag} is marked bad in ${env}; a rollback only goes to a release that is not`,
  allowBadHint: (tag: string, env: string) => `To deploy it anyway: shipgate deploy ${tag} --env ${env} --allow-bad --reason "why it is safe now".`,
  unfreezeHint: (env: string) => `Fix what froze it, then: shipgate unfreeze --env ${env} --reason "what was fixed".`,
  nothingToRollBackTo: (env: string) => `${env} has no earlier release that passed verification and is not marked bad`,
  nothingToRollBackToHint: (env: string) => `Name one with --to <tag>, or deploy a fixed release: shipgate deploy <tag> --env ${env}.`,
  reasonRequired: (what: string) => `${what} needs --reason "..."; it is written to the audit log`,
  reasonHint: 'Say why in a few words, e.g. --reason "database restored from backup".',
  noServerConfig: (dir: string) => `${dir} is a bare repository without a trusted server config (git config shipgate.config)`,
  noServerConfigHint: "Pass --config <server.yml>, or install the hooks with shipgate server install <repo.git> --config <server.yml>.",
  noRepoConfig: "no .shipgate.yml in this repository",
  noRepoConfigHint: `Add a deploy: section to .shipgate.yml (see ${GUIDE}), or pass --config <file>.`,
  configUnreadable: (path: string, error: string) => `cannot read ${path}: ${error}`,
  configUnreadableHint: "Check that the config file exists and is readable by the user the hook runs as.",
  configHint: `Fix the listed key of the deploy: section (see ${GUIDE}).`,
  gateNeedsMigrations: (why: string) =>
    `the environment runs the release gate, but @shipgate/migrations cannot be loaded here (${why}); install it next to @shipgate/deploy`,
  gatePassed: (findings: number) => `the release gate passed${findings > 0 ? ` with ${findings} warning(s)` : ""}`,
  gateFindings: (errors: number) => `${errors} ${errors === 1 ? "error" : "errors"} (the record holds the report)`,
  gateInconclusive: (message: string) =>
    `the release gate could not judge it here, so it is not deployed: ${message} (give the gate a PostgreSQL server that can: migrations.database.url in the config)`,
  gateFailed: (message: string) => `the release gate could not run: ${message}`,
} as const;
