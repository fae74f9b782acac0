/** Runs the hook shipgate replaced (kept as `<hook>.shipgate-chained`) with the same input and environment. */
import { accessSync, constants } from "node:fs";
import { importModule } from "@shipgate/core";
import type * as Execa from "execa";

export const CHAINED_SUFFIX = ".shipgate-chained";

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Replays `input` to the chained hook through execa (loaded only when a chained hook exists: its import is not free);
 * its output goes to `log` line by line. It runs in its own process group, so a timeout stops every process it
 * started. Resolves with its exit code, or null when it could not run or was killed.
 */
export async function runChained(
  path: string,
  input: Buffer,
  env: NodeJS.ProcessEnv,
  cwd: string,
  log: (line: string) => void,
  timeoutMs = 0,
): Promise<number | null> {
  // importModule, not import(): the hook runs from a V8 code cache, where Node 20 refuses a script's own import().
  const { execa } = await importModule<typeof Execa>("execa", import.meta.url);
  const child = execa(path, [], {
    cwd,
    env,
    extendEnv: false,
    input,
    reject: false,
    buffer: false,
    detached: true,
    ...(timeoutMs > 0 ? { timeout: timeoutMs } : {}),
  });
  let pending = "";
  const forward = (chunk: Buffer) => {
    pending += chunk.toString("utf8");
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) log(line);
  };
  child.stdout?.on("data", forward);
  child.stderr?.on("data", forward);
  const result = await child;
  if (result.timedOut && child.pid !== undefined) killGroup(child.pid);
  if (pending !== "") log(pending);
  if (result.failed && result.exitCode === undefined && !result.timedOut && result.shortMessage !== undefined) log(result.shortMessage);
  return result.exitCode ?? null;
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // the group is gone already
  }
}
