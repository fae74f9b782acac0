/** The clock of a verification: one deadline for all verifiers, waits that end early when the window closes or stops. */
import type { DeployRequest } from "../types.js";

/** What a verifier is given: the request, and the end of the window (epoch milliseconds) that it must not pass. */
export type VerifyRequest = DeployRequest & { deadline: number };

/**
 * Waits until `due` (a performance.now() time). Returns "due", or "deadline" when the window closes first, or
 * "stopped" when the request's signal aborts.
 */
export async function sleepUntil(due: number, request: VerifyRequest): Promise<"due" | "deadline" | "stopped"> {
  if (request.signal.aborted) return "stopped";
  const untilDue = due - performance.now();
  const untilDeadline = request.deadline - Date.now();
  if (untilDeadline <= 0) return "deadline";
  const wait = Math.min(untilDue, untilDeadline);
  if (wait > 0) {
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        request.signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, wait);
      request.signal.addEventListener("abort", done, { once: true });
    });
  }
  if (request.signal.aborted) return "stopped";
  return untilDue <= untilDeadline ? "due" : "deadline";
}
