/**
 * A pre-commit run killed with -9 while it writes leaves its scratch directory in the git dir; the next run removes
 * what a dead run left, and never the directory of a run that is still alive.
 */
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRepo, linkTools, shipgate, SHIPGATE_BIN, type TestRepo } from "@shipgate/test-utils";
import { currentOwner, processState } from "@shipgate/core";
import { scratchPrefix } from "./scratch.js";

const FILES = 800;

function prettierRepo(): TestRepo {
  const repo = createRepo({ files: { ".shipgate.yml": "policies:\n  prettier: error\n", "README.md": "# x\n" } });
  linkTools(repo.dir, ["prettier"]);
  return repo;
}

const scratchDirs = (repo: TestRepo) => readdirSync(join(repo.dir, ".git")).filter((name) => name.startsWith("shipgate-fix-"));

/** Starts pre-commit and kills it with SIGKILL as soon as its scratch directory holds a file; resolves to that directory. */
function killDuringWrites(repo: TestRepo): Promise<string | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SHIPGATE_BIN, "run", "pre-commit"], { cwd: repo.dir, env: repo.env, stdio: "ignore" });
    let seen: string | null = null;
    const poll = setInterval(() => {
      for (const name of scratchDirs(repo)) {
        if (seen === null && readdirSync(join(repo.dir, ".git", name)).length > 0) {
          seen = name;
          child.kill("SIGKILL");
        }
      }
    }, 1);
    child.on("close", () => {
      clearInterval(poll);
      resolve(seen);
    });
  });
}

function spawnedPid(command: string, args: string[]): Promise<{ pid: number; exited: Promise<void>; kill: () => void }> {
  const child = spawn(command, args, { stdio: "ignore" });
  const exited = new Promise<void>((resolve) => child.on("close", () => resolve()));
  return Promise.resolve({ pid: child.pid ?? 0, exited, kill: () => child.kill("SIGKILL") });
}

describe("scratch files of pre-commit runs", () => {
  it("removes what a run killed with -9 during its blob writes left behind, on the next run", { timeout: 180_000 }, async () => {
    const repo = prettierRepo();
    repo.write(Object.fromEntries(Array.from({ length: FILES }, (_, i) => [`f${i}.js`, `const   v${i} = {k:${i}}\n`])));
    repo.git("add", "-A");
    const killed = await killDuringWrites(repo);
    expect(killed, "the run was killed while it wrote").not.toBeNull();
    expect(readdirSync(join(repo.dir, ".git", killed ?? "")).length).toBeGreaterThan(0);

    const next = shipgate(["run", "pre-commit"], { cwd: repo.dir, env: repo.env });
    expect(next.code, next.stderr).toBe(0);
    expect(scratchDirs(repo)).toEqual([]);
    expect(repo.git("show", ":f7.js")).toBe("const v7 = { k: 7 };");
  });

  it("keeps the scratch directory of a live run and of another machine, and removes a dead run's", async () => {
    const repo = prettierRepo();
    const live = await spawnedPid("sleep", ["60"]);
    const dead = await spawnedPid("true", []);
    await dead.exited;
    const me = currentOwner();
    const dirs = {
      live: `${scratchPrefix({ ...me, pid: live.pid, start: processState(live.pid)?.start ?? "0" })}aaaaaa`,
      dead: `${scratchPrefix({ ...me, pid: dead.pid })}bbbbbb`,
      elsewhere: `${scratchPrefix({ ...me, pid: dead.pid, machine: me.machine === "00000000" ? "11111111" : "00000000" })}cccccc`,
    };
    for (const name of Object.values(dirs)) {
      mkdirSync(join(repo.dir, ".git", name));
      writeFileSync(join(repo.dir, ".git", name, "0"), "blob\n");
    }
    try {
      repo.write({ "a.js": "const   a = {b:1}\n" });
      repo.git("add", "a.js");
      const result = shipgate(["run", "pre-commit"], { cwd: repo.dir, env: repo.env });
      expect(result.code, result.stderr).toBe(0);
      expect(existsSync(join(repo.dir, ".git", dirs.live))).toBe(true);
      expect(existsSync(join(repo.dir, ".git", dirs.elsewhere))).toBe(true);
      expect(existsSync(join(repo.dir, ".git", dirs.dead))).toBe(false);
      expect(scratchDirs(repo).sort()).toEqual([dirs.live, dirs.elsewhere].sort());
    } finally {
      live.kill();
    }
  });
});
