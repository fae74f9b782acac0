/** @shipgate/client: the pre-commit, commit-msg and pre-push runners, fixers that keep unstaged work, and `init`. */
export {
  runPreCommit,
  runCommitMsg,
  runCommitMsgHook,
  runUndoFixes,
  runPrePush,
  cleanMessage,
  parsePushLines,
  type HookContext,
  type HookOutcome,
} from "./hooks.js";
export { applyFixes, type AppliedFixes } from "./apply-fixes.js";
export { readSkips, type SkipDecision } from "./skip.js";
export { initRepo, hookScript, undoTrap, HOOKS, type InitOptions, type InitResult } from "./init.js";
export { messages } from "./messages.js";
export { baseline, type BaselineResult } from "./baseline.js";
export { hookTools, type HookTools } from "./daemon/host.js";
