/** Deploy steps against real processes, real git and real HTTP: the runner, the deployers, the verifiers. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { tempDir } from "@shipgate/test-utils";
import { runCommand } from "../../packages/deploy/src/process.js";

/** True while the process exists and is not a zombie waiting to be reaped. */
function running(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0] !== "Z";
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean, attempts = 100): Promise<boolean> {
  for (let i = 0; i < attempts && !condition(); i++) await delay(20);
  return condition();
}

describe("the command runner", () => {
  it("kills the whole process tree, grandchildren included, when a command times out", async () => {
    const dir = tempDir();
    const result = await runCommand(["sh", "-c", "sleep 1000 & echo $! > grandchild.pid; wait"], { cwd: dir, timeoutMs: 300, outputLimit: 1000 });
    const grandchild = Number(readFileSync(join(dir, "grandchild.pid"), "utf8"));
    expect(result).toMatchObject({ ok: false, timedOut: true, cancelled: false, exitCode: null });
    expect(result.reason).toContain("timed out after 0.3 s");
    expect(await waitUntil(() => !running(grandchild))).toBe(true);
  });

  it("kills a grandchild that ignores SIGTERM with SIGKILL after the grace period", async () => {
    const dir = tempDir();
    const script = "trap '' TERM; sleep 1000 & echo $! > grandchild.pid; wait";
    const result = await runCommand(script, { cwd: dir, timeoutMs: 200, killGraceMs: 200, outputLimit: 1000 });
    const grandchild = Number(readFileSync(join(dir, "grandchild.pid"), "utf8"));
    expect(result.timedOut).toBe(true);
    expect(await waitUntil(() => !running(grandchild))).toBe(true);
  });

  it("kills the whole process tree when the caller aborts", async () => {
    const dir = tempDir();
    const controller = new AbortController();
    const run = runCommand("sleep 1000 & echo $! > grandchild.pid; wait", { cwd: dir, timeoutMs: 60_000, outputLimit: 1000, signal: controller.signal });
    expect(await waitUntil(() => readPid(join(dir, "grandchild.pid")) !== null)).toBe(true);
    controller.abort();
    const result = await run;
    expect(result).toMatchObject({ ok: false, cancelled: true, timedOut: false });
    expect(await waitUntil(() => !running(readPid(join(dir, "grandchild.pid"))!))).toBe(true);
  });

  it("captures stdout and stderr together and keeps only the tail beyond the limit, saying how much was cut", async () => {
    const dir = tempDir();
    const result = await runCommand("echo to-stdout; echo to-stderr >&2; yes 0123456789 | head -c 5000; echo; echo the-end", {
      cwd: dir,
      timeoutMs: 10_000,
      outputLimit: 100,
    });
    expect(result.ok).toBe(true);
    expect(Buffer.byteLength(result.output.replace(/^\[.*?\]\n/, ""))).toBe(100);
    expect(result.output).toMatch(/^\[… \d+ earlier bytes of output cut …\]\n/);
    expect(result.output.endsWith("the-end\n")).toBe(true);
    const both = await runCommand("echo to-stdout; echo to-stderr >&2", { cwd: dir, timeoutMs: 10_000, outputLimit: 100 });
    expect(both.output.split("\n").sort()).toEqual(["", "to-stderr", "to-stdout"]);
  });

  it("runs an argument list as an argument vector, never through a shell", async () => {
    const dir = tempDir();
    const result = await runCommand(["printf", "%s|", "a b", "$(touch pwned)", "; touch pwned2"], { cwd: dir, timeoutMs: 10_000, outputLimit: 1000 });
    expect(result.output).toBe("a b|$(touch pwned)|; touch pwned2|");
    expect(existsSync(join(dir, "pwned")) || existsSync(join(dir, "pwned2"))).toBe(false);
  });

  it("gives the exit code, and names a command that cannot be started", async () => {
    const dir = tempDir();
    expect(await runCommand("exit 7", { cwd: dir, timeoutMs: 10_000, outputLimit: 1000 })).toMatchObject({ ok: false, exitCode: 7 });
    expect(await runCommand("exit 7", { cwd: dir, timeoutMs: 10_000, outputLimit: 1000, okExitCodes: [7] })).toMatchObject({ ok: true, exitCode: 7 });
    const missing = await runCommand(["shipgate-no-such-program"], { cwd: dir, timeoutMs: 10_000, outputLimit: 1000 });
    expect(missing.ok).toBe(false);
    expect(missing.reason).toMatch(/^cannot run `shipgate-no-such-program`: .*ENOENT/);
  });

  it("returns once the command exits even when a background process it started keeps the output pipe open", async () => {
    const dir = tempDir();
    const result = await runCommand("sleep 1000 & echo $! > daemon.pid; echo started", { cwd: dir, timeoutMs: 30_000, outputLimit: 1000 });
    const daemon = Number(readFileSync(join(dir, "daemon.pid"), "utf8"));
    expect(result).toMatchObject({ ok: true, exitCode: 0, timedOut: false, output: "started\n" });
    process.kill(daemon, "SIGKILL");
  });
});

function readPid(path: string): number | null {
  try {
    const text = readFileSync(path, "utf8").trim();
    return text === "" ? null : Number(text);
  } catch {
    return null;
  }
}
