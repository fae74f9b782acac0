/** `shipgate-deploy worker ...`: the worker command with the process's own stdio, errors mapped to an exit code. */
import { describeError } from "@shipgate/core/errors";
import worker from "./commands/worker.js";

export async function workerMain(argv: string[]): Promise<number> {
  try {
    return await worker(argv, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() });
  } catch (error) {
    const { exitCode, message, hint } = describeError(error);
    process.stderr.write(`${new Date().toISOString()} shipgate worker: ${message}\n${hint === undefined ? "" : `  ${hint}\n`}`);
    return exitCode;
  }
}
