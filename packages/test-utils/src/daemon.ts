/** Repositories with eslint and prettier, and the lint daemon driven through the built CLI, for the daemon's tests. */
import { readFileSync } from "node:fs";
import { onTestFinished } from "vitest";
import { createRepo, installHooks, linkTools, shipgate, type FileTree, type TestRepo } from "./index.js";

/** eslint with two fixable rules and one that only reports; prettier with its defaults; both policies on. */
export const LINT_FILES: FileTree = {
  "package.json": '{ "name": "app", "type": "module" }\n',
  "eslint.config.js": 'export default [{ rules: { "prefer-const": "error", "no-var": "error", "no-console": "error" } }];\n',
  ".shipgate.yml": "policies:\n  eslint: error\n  prettier: error\n",
};

/** A repository with eslint and prettier installed and configured, one commit, and shipgate's hooks. */
export function lintRepo(files: FileTree = {}): TestRepo {
  const repo = createRepo();
  linkTools(repo.dir, ["eslint", "prettier"]);
  repo.write({ ...LINT_FILES, ...files });
  repo.git("add", "-A");
  repo.git("commit", "-q", "--no-verify", "-m", "chore: init");
  installHooks(repo);
  return repo;
}

export interface DaemonStatusJson {
  pid: number;
  warm: boolean;
  workers: number;
  rssBytes: number;
  idleLimitMs: number;
  requests: number;
  reloads: number;
  lastReload: string | null;
}

/** `shipgate daemon status --format json`: the status, or null when no daemon answers. */
export function daemonStatus(repo: TestRepo, env: NodeJS.ProcessEnv = repo.env): DaemonStatusJson | null {
  const result = shipgate(["daemon", "status", "--format", "json"], { cwd: repo.dir, env });
  if (result.code !== 0) throw new Error(`daemon status failed (${result.code}): ${result.stderr}`);
  const state = JSON.parse(result.stdout) as { running: boolean; status?: DaemonStatusJson };
  return state.running ? (state.status ?? null) : null;
}

/** `shipgate daemon start`, stopped again (by its pid) when the test finishes; returns its pid once it is warm. */
export function startDaemon(repo: TestRepo, args: readonly string[] = [], env: NodeJS.ProcessEnv = repo.env): { pid: number } {
  const result = shipgate(["daemon", "start", ...args], { cwd: repo.dir, env });
  if (result.code !== 0) throw new Error(`daemon start failed (${result.code}): ${result.stderr}`);
  const pid = Number(/\(pid (\d+)\)/.exec(result.stdout)?.[1]);
  if (!Number.isInteger(pid)) throw new Error(`daemon start said no pid: ${result.stdout}`);
  onTestFinished(() => stopPid(pid));
  return { pid };
}

export function stopPid(pid: number): void {
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    // gone already
  }
}

/** Waits (polling) until the repository's daemon answers and is warm; returns its status, or null after a minute. */
export async function waitForWarm(repo: TestRepo): Promise<DaemonStatusJson | null> {
  for (let tries = 0; tries < 300; tries++) {
    const status = daemonStatus(repo);
    if (status?.warm === true) return status;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return null;
}

/** Whether a process runs under this pid (a zombie counts as gone). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

/** Stages `files` and runs `git commit` with the hooks; `env` adds to the repository's environment. */
export function commitFiles(repo: TestRepo, files: FileTree, env: Record<string, string> = {}): { status: number | null; stderr: string } {
  repo.write(files);
  repo.git("add", "-A");
  const result = repo.gitRaw(["commit", "-q", "-m", "feat: change code"], { env });
  return { status: result.status, stderr: result.stderr };
}

/** A hook's report without timings and without the daemon's own notices: what must not depend on where tools ran. */
export function verdictText(stderr: string): string {
  return stderr
    .split("\n")
    .filter((line) => !line.includes("lint daemon"))
    .join("\n")
    .replace(/\d+ms/g, "<t>ms");
}
