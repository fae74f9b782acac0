/** Runs the hook shipgate replaced (kept as `<hook>.shipgate-chained`) with the same input and environment. */
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";

export const CHAINED_SUFFIX = ".shipgate-chained";

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Replays `input` to the chained hook; its output goes to `log` line by line. Resolves with its exit code. */
export async function runChained(path: string, input: Buffer, env: NodeJS.ProcessEnv, cwd: string, log: (line: string) => void): Promise<number | null> {
  const child = spawn(path, [], { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
  let pending = "";
  const forward = (chunk: Buffer) => {
    pending += chunk.toString("utf8");
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) log(line);
  };
  child.stdout.on("data", forward);
  child.stderr.on("data", forward);
  child.stdin.on("error", () => undefined); // a hook may exit without reading its input
  child.stdin.end(input);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  if (pending !== "") log(pending);
  return code;
}
