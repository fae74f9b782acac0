/** @shipgate/deploy: deploy a release, verify it, and put the last good one back when it fails. */
export * from "./settings.js";
export type * from "./types.js";
export * from "./job.js";
export {
  openTarget,
  deployRelease,
  rollbackRelease,
  unfreeze,
  resolveRelease,
  whoAmI,
  engineOptions,
  type Target,
  type OpenOptions,
  type RunOptions,
} from "./actions.js";
export { runQueued, runNow, hasWork, resumeAt, type EngineOptions } from "./engine.js";
export { runWorker, type WorkerOptions } from "./worker.js";
export { postReceive, triggered, globToRegExp, type TriggerOptions, type TriggerResult } from "./trigger.js";
export { postReceiveMain, startWorker } from "./hook.js";
export { loadDeploySettings, environmentOf, auditLogPath } from "./config.js";
export { acquireLock, releaseLock, renewLock, staleness, pidAlive, type LockData, type HeldLock } from "./lock.js";
export { enqueue, asJob } from "./queue.js";
export { saveRecord, readRecords, findRecord, boundOutput } from "./record.js";
export { readStatus, readHistory, formatStatus, formatHistory, follow, type EnvironmentStatus } from "./status.js";
export { notifyWebhook, type NotifyEvent, type NotifyResult } from "./notify.js";
export { defaultSteps, gateUnavailable, type Steps, type GateFn, type GateInput, type GateOutcome } from "./steps.js";
export { appendAudit, liveLogPath, workerLogPath, type AuditEntry } from "./audit.js";
export { EnvironmentBusy, DeployRefused } from "./errors.js";
export { messages } from "./messages.js";
