/** Runs the previous release's own test command in a temporary worktree of it, with DATABASE_URL set. */
import { spawn } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Repo } from "@shipgate/core";

export interface TestCommand {
  command: string | readonly string[];
  /** Seconds before the command is killed. */
  timeout: number;
}

/** Checks `rev` out into a detached worktree, runs the command there, and always removes the worktree. */
export async function runInWorktree(
  repo: Repo,
  rev: string,
  test: TestCommand,
  databaseUrl: string,
): Promise<{ code: number; output: string; command: string }> {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "shipgate-old-release-")));
  const worktree = join(dir, "tree");
  await repo.git.run(["worktree", "add", "--detach", "--force", "--", worktree, rev], {
    hint: "shipgate needs to check the previous release out into a temporary worktree.",
  });
  try {
    return await runCommand(test, worktree, databaseUrl);
  } finally {
    await repo.git.run(["worktree", "remove", "--force", "--", worktree], { okCodes: [0, 128] });
    rmSync(dir, { recursive: true, force: true });
  }
}

function runCommand(test: TestCommand, cwd: string, databaseUrl: string): Promise<{ code: number; output: string; command: string }> {
  const [file, args, shown] =
    typeof test.command === "string" ? ["sh", ["-c", test.command], test.command] : [test.command[0] ?? "true", test.command.slice(1), test.command.join(" ")];
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("GIT_")) env[key] = value;
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      cwd,
      env: { ...env, DATABASE_URL: databaseUrl, SHIPGATE_OLD_RELEASE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let output = "";
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-20_000);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const timer = setTimeout(() => {
      output += `\n(killed after ${test.timeout}s)`;
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    }, test.timeout * 1000);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ code: 127, output: error.message, command: shown });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output, command: shown });
    });
  });
}
