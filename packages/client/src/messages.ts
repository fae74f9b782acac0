/** Every user-facing sentence of the client in one place. */

export const messages = {
  skippedAll: "shipgate: SHIPGATE=0 is set: skipping this hook.",
  skippedPolicies: (ids: readonly string[]) => `shipgate: SHIPGATE_SKIP skips ${ids.join(", ")}.`,
  unknownSkip: (id: string, known: readonly string[]) => `shipgate: SHIPGATE_SKIP names an unknown policy "${id}" (known: ${known.join(", ")}); ignoring it.`,
  fixedFiles: (n: number) => `shipgate: fixed ${n} staged file${n === 1 ? "" : "s"} (the commit includes the fixes).`,
  keptUnstaged: (paths: readonly string[]) =>
    `shipgate: ${paths.length === 1 ? "this file has" : "these files have"} unstaged changes, so only the staged version was fixed; your work tree copy is untouched: ${paths.join(", ")}`,
  keptChanged: (paths: readonly string[]) =>
    `shipgate: ${paths.length === 1 ? "this file was" : "these files were"} saved while shipgate was fixing ${paths.length === 1 ? "it" : "them"}: the commit gets the fix, your newer work tree copy is kept as you saved it: ${paths.join(", ")}`,
  keptFiltered: (paths: readonly string[]) =>
    `shipgate: git sees no change in ${paths.length === 1 ? "this file" : "these files"}, but ${paths.length === 1 ? "its" : "their"} clean filter drops content that a checkout would not bring back, so only the staged version was fixed; your work tree copy is untouched: ${paths.join(", ")}`,
  keptUnconvertible: (paths: readonly string[]) =>
    `shipgate: git could not check out the fixed version (a smudge filter failed), so only the staged version was fixed; your work tree copy is untouched: ${paths.join(", ")}`,
  rescued: (path: string, savedAs: string) =>
    `shipgate: ${path} was saved twice while shipgate was fixing it; the newest save is in place and the earlier one is kept in ${savedAs}`,
  fixesNotApplied: (n: number) => `shipgate: ${n} file${n === 1 ? "" : "s"} will be fixed once the errors below are resolved (nothing was changed now).`,
  emptyAfterFix: "shipgate: the fixers turned every staged change back into what HEAD already has: nothing is left to commit.",
  emptyAfterFixHint: "Your index and work tree are as they were (the staged changes were formatting only). Use `git commit --no-verify` to commit them anyway.",
  refusedCommit: "the commit was refused",
  emptyMessageAbort: "the message is empty, so git does not commit",
  fixesUndone: (why: string, staged: number, workTree: number) =>
    `shipgate: ${why}, so shipgate undid the fixes its pre-commit made: ${staged} staged file${staged === 1 ? "" : "s"}${workTree > 0 ? ` and ${workTree} work-tree file${workTree === 1 ? "" : "s"}` : ""} ${staged + workTree === 1 ? "is" : "are"} as before \`git commit\`.`,
  undoKeptSaved: (paths: readonly string[]) =>
    `shipgate: ${paths.length === 1 ? "this file was" : "these files were"} saved after the fixes, so ${paths.length === 1 ? "it keeps" : "they keep"} your save (the fix was not undone there): ${paths.join(", ")}`,
  interrupted: "shipgate: interrupted: the index and work tree are as they were before this hook ran.",
  messageFileMissing: (path: string) => `cannot read the commit message file ${path}`,
  messageFileHint: "commit-msg is run by git with the message file as its argument: shipgate run commit-msg <file>.",
  badPushLine: (line: string) => `unexpected line on pre-push stdin: ${JSON.stringify(line.slice(0, 200))}`,
  badPushLineHint: "pre-push expects `<local ref> <local oid> <remote ref> <remote oid>` lines from git.",
  unknownHook: (name: string) => `unknown hook "${name}"`,
  unknownHookHint: "Use one of: pre-commit, commit-msg <file>, pre-push <remote> <url>, undo-fixes.",
  hooksPathTaken: (path: string, scope: string) => `core.hooksPath is already set to ${path} (${scope} config), so git would not run hooks installed by husky`,
  hooksPathHint:
    "Remove it (git config --unset core.hooksPath, or --global) or move those hooks into .husky/, then run shipgate init again; --force overrides.",
  noPackageJson: "no package.json found between this directory and the repository root",
  noPackageJsonHint: "Run shipgate init inside your JavaScript project (npm init -y creates a package.json).",
  huskyMissing: (command: string) =>
    `husky is not installed yet, so the hooks are written but NOT active. Activate them now: ${command} (husky is in devDependencies now, and a bare install runs the prepare script, which activates the hooks; \`npm install -D husky\` alone would not)`,
  unknownPreset: (name: string, suggestion: string) => `unknown preset "${name}"${suggestion}`,
  presetsHint: (names: readonly string[]) => `Use one of the built-in presets: ${names.join(", ")} (e.g. shipgate init --preset ${names[0] ?? "recommended"}).`,
  presetNotApplied: (file: string, preset: string) =>
    `kept your existing ${file}; --preset ${preset} was not applied. Set \`extends: ${preset}\` in it, or replace it: shipgate init --preset ${preset} --force`,
  baselineBare: "shipgate baseline needs a repository with a work tree (on a server, set baseline: in the server config)",
  baselineBareHint: "Run it in a clone of the repository.",
  baselineNeedsReason: "moving the baseline needs a reason",
  baselineNeedsReasonHint: 'Say why, e.g. shipgate baseline HEAD --reason "adopted shipgate; history before this is exempt".',
  baselineUnknownRev: (rev: string) => `"${rev}" names no commit here`,
  baselineUnknownRevHint: "Pass a commit, tag or branch this clone has (fetch it first in a shallow clone).",
  baselineRecorded: (commit: string, covered: number) =>
    `baseline at ${commit.slice(0, 12)}: ${covered} earlier commit(s) are never judged by content or message policies`,
  daemonFailed: (reason: string) => `shipgate: the lint daemon failed (${reason}), so this commit is linted in process.`,
  daemonStale: (detail: string) =>
    `shipgate: the lint daemon cannot answer this hook (${detail}), so this commit is linted in process; restart it: shipgate daemon start`,
  daemonNotUsed: (reason: string) =>
    `shipgate: not using the lint daemon: ${reason}. Only a daemon directory, socket and info file of your own, closed to others, are used; remove it and run shipgate daemon start.`,
  daemonStarting:
    "shipgate: starting the lint daemon in the background (git config shipgate.daemon); this commit is linted in process, the next ones by the warm daemon.",
  daemonUnsafe: (reason: string) => `the lint daemon's files are not safe to use: ${reason}`,
  daemonUnsafeHint: "Remove the .git/shipgate/daemon directory (it holds nothing else) and run shipgate daemon start again.",
  daemonExited: (code: number | null, log: string) => `the lint daemon exited while starting (code ${code ?? "none"}); its log is ${log}`,
  daemonLogHint: (log: string) => `Read the end of ${log} for why; commits are linted in process meanwhile.`,
  daemonSlow: (seconds: number) => `the lint daemon did not load eslint and prettier within ${seconds} s`,
  daemonBare: "the lint daemon serves a work tree, and this repository has none",
  daemonBareHint: "Run shipgate daemon in a clone with a work tree.",
  daemonUnsupported: (why: string) => `no lint daemon here: ${why}`,
  daemonUnsupportedHint: "Commits are linted in process, as without a daemon.",
  daemonWontStop: (pid: number) => `the lint daemon (pid ${pid}) did not stop within 10 s`,
  daemonWontStopHint: (pid: number) => `Stop it by hand: kill ${pid}`,
  daemonStarted: (pid: number, seconds: number, mib: number) =>
    `shipgate: the lint daemon runs (pid ${pid}), eslint and prettier loaded; it stops after ${seconds >= 120 ? `${Math.round(seconds / 60)} minutes` : `${seconds} s`} idle. Memory: ${mib} MiB.`,
  daemonStopped: "shipgate: the lint daemon stopped.",
  daemonNotRunning: (why: string) => `shipgate: no lint daemon runs for this repository (${why}).`,
} as const;
