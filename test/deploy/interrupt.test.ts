/** Ctrl-C or SIGTERM during `shipgate deploy`: the running step's whole process group stops, and no lock is left. */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { gitEnv } from "@shipgate/test-utils";
import { ensureBuilt, workspaceRoot } from "@shipgate/test-utils/pack";
import { createDeployFixture, deployConfig, until } from "./engine-fixture.js";

beforeAll(async () => {
  await ensureBuilt();
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("a signal during shipgate deploy", () => {
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    it(`on ${signal} stops the deploy command's process group, exits ${code} and leaves no lock`, async () => {
      const f = createDeployFixture(
        deployConfig({ deployer: { type: "command", command: ["sh", "-c", 'sleep 1000 & echo $! > "$PIDS"; wait'], timeout: 600 } }),
      );
      f.release("v1", "healthy\n");
      const pids = join(f.root, "pids");
      const child = spawn(process.execPath, [join(workspaceRoot, "packages/cli/bin.js"), "deploy", "v1", "--env", "production"], {
        cwd: f.gitDir,
        env: { ...gitEnv(), PIDS: pids },
        stdio: "ignore",
      });
      const exited = new Promise<number | null>((resolve) => child.on("exit", (status) => resolve(status)));
      await until(() => existsSync(pids) && readFileSync(pids, "utf8").trim() !== "");
      const sleeper = Number(readFileSync(pids, "utf8").trim());
      expect(alive(sleeper)).toBe(true);
      child.kill(signal);
      expect(await exited).toBe(code);
      await until(() => !alive(sleeper));
      expect(f.remote.git("for-each-ref", "--format=%(refname)", "refs/shipgate/production/lock")).toBe("");
    });
  }
});
