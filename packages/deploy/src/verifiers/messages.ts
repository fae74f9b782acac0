/** Sentences of the verifiers: what passed, what failed and why (to fold into the package's messages.ts). */
import { formatSeconds } from "../process.js";

export const verifierMessages = {
  probe: (n: number, atMs: number, result: string, tookMs: number) => `probe ${n} at +${Math.round(atMs)} ms: ${result} (${Math.round(tookMs)} ms)`,
  answered: (status: number) => `answered ${status}`,
  wrongStatus: (status: number, expected: number) => `answered ${status}, expected ${expected}`,
  bodyMismatch: (status: number, text: string) => `answered ${status} but the body does not contain ${JSON.stringify(text)}`,
  refused: "connection refused",
  reset: "connection reset",
  noResponse: (ms: number) => `no response within ${formatSeconds(ms)}`,
  requestFailed: (why: string) => `request failed: ${why}`,
  httpPassed: (successes: number, probes: number) => `${successes} consecutive probes passed (${probes} probes)`,
  httpFailed: (failures: number, last: string) => `${failures} consecutive probes failed; the last one: ${last}`,
  windowClosed: (probes: number, last: string | null) =>
    `no verdict before the verification window closed (${probes} probes${last === null ? "" : `; the last one: ${last}`})`,
  stopped: "stopped before a verdict",
  commandPassed: (code: number) => `exited with code ${code}`,
  commandFailed: (code: number, expected: number) => `exited with code ${code}, expected ${expected}`,
  crashed: (why: string) => `failed to run: ${why}`,
  nothingToVerify: "no verifiers configured: nothing to verify",
  allPassed: (parts: readonly string[]) => `verified: ${parts.join("; ")}`,
  named: (name: string, reason: string) => `${name}: ${reason}`,
  cancelled: "verification was cancelled",
};
