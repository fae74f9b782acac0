/** @shipgate/server: the pre-receive checker and the installers for bare repos, gitolite, GitLab and GitHub Enterprise. */
export { preReceive, type PreReceiveOptions, type PreReceiveResult } from "./pre-receive.js";
export { hookMain, runPreReceiveHook, type HookIo } from "./bin.js";
export {
  installHooks,
  uninstallHooks,
  defaultEntry,
  GITHUB_SCRIPT,
  GITHUB_DEFAULT_ENTRY,
  GITLAB_HOOK,
  type InstallOptions,
  type InstallResult,
} from "./install.js";
export {
  parseRefUpdates,
  readPushOptions,
  parsePushOptions,
  pusherIdentity,
  decodeName,
  isFlavor,
  FLAVORS,
  IDENTITY_VARS,
  HookInputError,
  type Flavor,
  type ParsedPushOptions,
} from "./input.js";
export { loadServerConfig, locateServerConfig, narrowConfig, readPushedConfigs, type ServerConfig, type PushedConfig, type NarrowResult } from "./config.js";
export { writeAudit, auditPath, type AuditEntry, type Verdict } from "./audit.js";
export { preReceiveScript, postReceiveScript, shQuote, MARKER } from "./templates.js";
export { CHAINED_SUFFIX } from "./chain.js";
export { messages } from "./messages.js";
export { ServerSection, serverSection, type ServerSettings } from "./settings.js";
export { plugin } from "./plugin.js";
/** Re-exported so callers that bundle their own copy of core describe this package's errors correctly. */
export { describeError } from "@shipgate/core";
