/** `@shipgate/client/daemon`: start, stop and ask about the lint daemon (apart, so a hook does not load its code). */
export { startDaemon, stopDaemon, daemonStatus, DEFAULT_IDLE_MS, type DaemonState } from "./control.js";
export { parseIdle } from "./switch.js";
export type { DaemonStatus } from "./protocol.js";
