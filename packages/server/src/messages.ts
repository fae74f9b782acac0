/** Every sentence the server hooks and installers say, in one place: what happened, how to fix it. */

const GUIDE = "server-hooks/README.md";

export const messages = {
  guide: GUIDE,
  refused: (errors: number, commits: number) =>
    `push refused: ${errors} problem${errors === 1 ? "" : "s"}${commits > 0 ? ` in the ${commits} new commit${commits === 1 ? "" : "s"}` : ""} (nothing was updated)`,
  refusedFooter: "Fix the commits above (git rebase -i, git commit --amend) and push again.",
  passed: (commits: number, refs: number, ms: number) =>
    `checked ${refs} ref${refs === 1 ? "" : "s"} and ${commits} new commit${commits === 1 ? "" : "s"} in ${ms.toFixed(0)}ms: ok`,
  warnings: (count: number) => `${count} warning${count === 1 ? "" : "s"} (not blocking)`,
  bypassed: (user: string, reason: string) => `bypass by ${user}: "${reason}" - the problems above were let through and written to the audit log`,
  bypassDenied: (user: string | null) =>
    user === null
      ? "bypass refused: the server could not tell who is pushing, and only listed users may bypass"
      : `bypass refused: ${user} is not listed in server.bypassUsers`,
  bypassNoReason: 'bypass refused: give a reason, e.g. git push -o shipgate.bypass="hotfix for incident 123"',
  bypassUnused: "bypass requested but nothing needed bypassing; recorded in the audit log",
  bypassNotAudited: (error: string) => `bypass refused: the audit log cannot be written (${error})`,
  bypassNotAdvertised: "To bypass, the server must advertise push options: git config receive.advertisePushOptions true",
  unknownOption: (option: string) => `ignoring unknown push option ${option}`,
  /** What failed, by kind: describeError already says "internal error" for a failure that is not one of shipgate's. */
  failure: (kind: "config" | "internal" | "other", message: string) =>
    kind === "config" ? `config error: ${message}` : kind === "internal" ? `internal error: ${message}` : message,
  failClosed: "The push was refused because shipgate failed (fail-closed). An admin can find the details in the audit log.",
  failOpen: "The push was accepted although shipgate failed (server.failOpen is on).",
  timedOut: (ms: number) => `the check took longer than server.timeout (${ms}ms)`,
  timeoutHint: "Raise server.timeout if the host allows more time, or split the push into smaller pushes.",
  auditFailed: (error: string) => `warning: cannot write the audit log: ${error}`,
  noConfig: "no server config: the hook was installed without --config and `git config shipgate.config` is not set",
  noConfigHint: `Re-run \`shipgate server install <repo.git> --config <server.yml>\` (see ${GUIDE}).`,
  noPolicy: (file: string) => `the server config ${file} enables no policy, so the hook would accept every push`,
  noPolicyHint:
    "Turn policies on (e.g. `extends: recommended`, or `policies: { secrets: error }`); if accepting every push is intended, set `server.allowEmpty: true`.",
  auditDefault: (file: string) => `the server config could not be read, so this entry went to the default audit log ${file}`,
  badInput: (line: number, why: string) => `malformed ref update on line ${line} of the hook input: ${why}`,
  badInputHint: "git itself never sends this; the hook refuses input it cannot trust.",
  repoConfigIgnored: (source: string, why: string) => `ignoring ${source}: ${why}`,
  repoConfigCannotLoosen: (source: string, id: string) => `${source} cannot turn off or loosen ${id}; the server's setting stands`,
  repoConfigNoPatterns: (source: string, id: string) =>
    `${source} may not turn on ${id} here: its options cannot be vetted for a server (set it in the server config)`,
  repoConfigSlowPattern: (source: string, id: string, key: string, why: string) =>
    `${source} may not turn on ${id} with policies.${id}.${key}: ${why}, and the server runs a pushed pattern only if it ` +
    "runs in linear time (a hostile branch name, path or message could otherwise keep the hook busy for minutes); " +
    "write it without that, or set it in the server config",
  repoConfigNotAllowed: (source: string, id: string) => `${source} may not turn on ${id} here (not in server.repoConfigPolicies)`,
  chainedFailed: (path: string, code: number | null) =>
    `the chained hook ${path} refused the push (exit ${code ?? "signal"}); shipgate had accepted it, the audit log records both`,
  // installer
  notARepo: (path: string) => `${path} is not a git repository`,
  notARepoHint: "Pass the path of a bare repository, e.g. /srv/git/project.git.",
  configRequired: "shipgate server install needs --config <server.yml>",
  configRequiredHint: `Write a server config (see ${GUIDE}) and pass its path with --config.`,
  notBuilt: (path: string) => `the server hook entry ${path} does not exist`,
  notBuiltHint: "Install @shipgate/server from npm, or build the workspace (pnpm build) before installing hooks from it.",
  chainConflict: (hook: string, chained: string) => `${hook} is not shipgate's, and ${chained} already holds a chained hook`,
  chainConflictHint: "Merge the two hooks by hand (or remove one of them), then run the install again.",
  githubConfigAbsolute: "--flavor github needs an absolute --config path as seen inside the pre-receive hook environment",
  installed: (target: string) => `installed ${target}`,
  updated: (target: string) => `updated ${target}`,
  chainedKept: (hook: string, chained: string) => `kept the existing ${hook} as ${chained}; it runs after shipgate with the same input`,
  uninstalled: (target: string) => `removed ${target}`,
  restored: (chained: string, hook: string) => `restored ${chained} to ${hook}`,
  notInstalled: (target: string) => `${target} is not shipgate's; left it alone`,
  configRecorded: (file: string) => `set shipgate.config=${file} so deploy commands run here read the same trusted config`,
  pushOptionsOn: "set receive.advertisePushOptions=true so pushers can send -o shipgate.bypass=...",
} as const;
