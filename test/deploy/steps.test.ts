/** Deploy steps against real processes, real git and real HTTP: the runner, the deployers, the verifiers. */
import { existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it, onTestFinished } from "vitest";
import { tempDir } from "@shipgate/test-utils";
import { createDeployer, safeDirName } from "../../packages/deploy/src/deployers/index.js";
import { runCommand } from "../../packages/deploy/src/process.js";
import { createCommandVerifier, createHttpVerifier, createVerifiers, runVerification } from "../../packages/deploy/src/verifiers/index.js";
import type { DeployRequest, Release } from "../../packages/deploy/src/types.js";
import { createFixtureApp, type FixtureApp } from "./fixture.js";

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

  it("captures stdout and stderr interleaved in the order they were written, and keeps only the tail beyond the limit, saying how much was cut", async () => {
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
    const both = await runCommand("for i in 1 2 3; do echo out$i; echo err$i >&2; done", { cwd: dir, timeoutMs: 10_000, outputLimit: 100 });
    expect(both.output).toBe("out1\nerr1\nout2\nerr2\nout3\nerr3\n");
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

  it("hides a hook's GIT_* variables and inherited SHIPGATE_* variables from the command, and adds the ones it is given", async () => {
    const dir = tempDir();
    const saved = { GIT_DIR: process.env["GIT_DIR"], SHIPGATE_TAG: process.env["SHIPGATE_TAG"], GIT_SSH_COMMAND: process.env["GIT_SSH_COMMAND"] };
    Object.assign(process.env, { GIT_DIR: "/srv/repo.git", SHIPGATE_TAG: "stale", GIT_SSH_COMMAND: "ssh -i key" });
    onTestFinished(() => {
      for (const [key, value] of Object.entries(saved))
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
    });
    const result = await runCommand('echo "${GIT_DIR-unset} ${SHIPGATE_TAG-unset} ${GIT_SSH_COMMAND-unset} $EXTRA"', {
      cwd: dir,
      env: { EXTRA: "given" },
      timeoutMs: 10_000,
      outputLimit: 1000,
    });
    expect(result.output).toBe("unset unset ssh -i key given\n");
  });

  it("returns once the command exits even when a background process it started keeps its output open", async () => {
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

/** A deploy request for `release` of the fixture app, its progress lines collected in `log`. */
function request(app: FixtureApp, release: Release, extra: Partial<DeployRequest> = {}): DeployRequest & { lines: string[] } {
  const lines: string[] = [];
  return {
    env: "production",
    gitDir: app.gitDir,
    signal: new AbortController().signal,
    log: (line) => lines.push(line),
    outputLimit: 65536,
    release,
    previous: null,
    lastGood: null,
    lines,
    ...extra,
  };
}

/** The release directories (not markers or temporary names) under `<root>/releases`. */
function releaseDirs(app: FixtureApp): string[] {
  return readdirSync(join(app.root, "releases")).sort();
}

const countBuilds = 'echo "$SHIPGATE_TAG" >> "$SHIPGATE_ROOT/builds.log"';
const builds = (app: FixtureApp) =>
  existsSync(join(app.root, "builds.log")) ? readFileSync(join(app.root, "builds.log"), "utf8").split("\n").filter(Boolean) : [];

describe("the release-dir deployer", () => {
  it("deploys v1 then v2 into releases/<tag>, swaps current, restarts, and the app serves v2 over HTTP", async () => {
    const app = await createFixtureApp();
    const { v1, v2 } = app.releases;
    const deployer = createDeployer(app.deployer({ build: [countBuilds] }));
    const first = await deployer.deploy(request(app, v1));
    expect(first).toMatchObject({ ok: true, reason: `deployed v1 (${v1.sha.slice(0, 12)}) into releases/v1` });
    expect(await app.waitForVersion("v1")).toBe("v1");
    const second = await deployer.deploy(request(app, v2, { previous: v1, lastGood: v1 }));
    expect(second.ok).toBe(true);
    expect(await app.waitForVersion("v2")).toBe("v2");
    expect(readlinkSync(join(app.root, "current"))).toBe(join("releases", "v2"));
    expect(releaseDirs(app)).toEqual([".v1.json", ".v2.json", "v1", "v2"]);
    expect(readlinkSync(join(app.root, "releases", "v2", ".env"))).toBe(join(app.root, "shared", ".env"));
    expect(builds(app)).toEqual(["v1", "v2"]);
    expect(second.output).toContain(`$ ${countBuilds}`);
  });

  it("restores v1 by swapping back to its kept directory and restarting, without running the build again", async () => {
    const app = await createFixtureApp();
    const { v1, v2 } = app.releases;
    const deployer = createDeployer(app.deployer({ build: [countBuilds] }));
    expect((await deployer.deploy(request(app, v1))).ok).toBe(true);
    expect((await deployer.deploy(request(app, v2, { previous: v1, lastGood: v1 }))).ok).toBe(true);
    expect(await app.waitForVersion("v2")).toBe("v2");
    const restored = await deployer.restore(request(app, v1, { previous: v2, lastGood: v1 }));
    expect(restored).toMatchObject({ ok: true, reason: `restored v1 (${v1.sha.slice(0, 12)}) from releases/v1 without rebuilding` });
    expect(await app.waitForVersion("v1")).toBe("v1");
    expect(builds(app)).toEqual(["v1", "v2"]);
    expect(readlinkSync(join(app.root, "current"))).toBe(join("releases", "v1"));
  });

  it("falls back to a full deploy when the release to restore is no longer kept", async () => {
    const app = await createFixtureApp();
    const { v1, v2 } = app.releases;
    const deployer = createDeployer(app.deployer({ build: [countBuilds] }));
    await deployer.deploy(request(app, v1));
    await deployer.deploy(request(app, v2, { previous: v1, lastGood: v1 }));
    rmSync(join(app.root, "releases", "v1"), { recursive: true });
    const restored = await deployer.restore(request(app, v1, { previous: v2, lastGood: v1 }));
    expect(restored.ok).toBe(true);
    expect(restored.reason).toContain("is no longer kept on disk: deploying it again");
    expect(builds(app)).toEqual(["v1", "v2", "v1"]);
    expect(await app.waitForVersion("v1")).toBe("v1");
  });

  it("keeps N releases but never deletes the current one or the last good one", async () => {
    const app = await createFixtureApp();
    const { v1, v2, v3, v4 } = app.releases;
    const deployer = createDeployer(app.deployer({ keep: 2, restart: undefined }));
    expect((await deployer.deploy(request(app, v1))).ok).toBe(true);
    // v2..v4 never passed verification: v1 stays the last good release while they come and go.
    for (const [release, previous] of [
      [v2, v1],
      [v3, v2],
      [v4, v3],
    ] as const) {
      expect((await deployer.deploy(request(app, release, { previous, lastGood: v1 }))).ok).toBe(true);
    }
    expect(releaseDirs(app)).toEqual([".v1.json", ".v4.json", "v1", "v4"]);
    expect(readlinkSync(join(app.root, "current"))).toBe(join("releases", "v4"));
  });

  it("leaves current untouched and no half-built directory when a build step fails", async () => {
    const app = await createFixtureApp();
    const { v1, v2 } = app.releases;
    await createDeployer(app.deployer()).deploy(request(app, v1));
    const failing = createDeployer(app.deployer({ build: ["echo compiling; exit 3"] }));
    const outcome = await failing.deploy(request(app, v2, { previous: v1, lastGood: v1 }));
    expect(outcome.ok).toBe(false);
    expect(outcome.reason).toBe(
      `the build of v2 (${v2.sha.slice(0, 12)}) failed: \`echo compiling; exit 3\` failed: it exited with code 3; current was not changed`,
    );
    expect(outcome.output).toContain("compiling");
    expect(readlinkSync(join(app.root, "current"))).toBe(join("releases", "v1"));
    expect(releaseDirs(app)).toEqual([".v1.json", "v1"]);
    expect(await app.waitForVersion("v1")).toBe("v1");
  });

  it("kills a build step that runs past the timeout with its whole process tree and fails the deploy", async () => {
    const app = await createFixtureApp();
    const hang = 'sleep 1000 & echo $! > "$SHIPGATE_ROOT/build.pid"; wait';
    const deployer = createDeployer({ ...app.deployer({ build: [hang], restart: undefined }), timeout: 0.3 });
    const outcome = await deployer.deploy(request(app, app.releases.v1));
    expect(outcome.ok).toBe(false);
    expect(outcome.reason).toContain("timed out after 0.3 s; its whole process group was killed");
    expect(await waitUntil(() => !running(Number(readFileSync(join(app.root, "build.pid"), "utf8"))))).toBe(true);
    expect(releaseDirs(app)).toEqual([]);
    expect(existsSync(join(app.root, "current"))).toBe(false);
  });

  it("rebuilds a release directory that a crashed deploy left incomplete, and reuses one that is complete", async () => {
    const app = await createFixtureApp();
    const { v1 } = app.releases;
    mkdirSync(join(app.root, "releases", "v1"), { recursive: true });
    writeFileSync(join(app.root, "releases", "v1", "half-written"), "");
    const deployer = createDeployer(app.deployer({ build: [countBuilds] }));
    expect((await deployer.deploy(request(app, v1))).ok).toBe(true);
    expect(existsSync(join(app.root, "releases", "v1", "half-written"))).toBe(false);
    const again = request(app, v1, { previous: v1 });
    expect((await deployer.deploy(again)).ok).toBe(true);
    expect(again.lines).toContain("releases/v1 is already built: reusing it");
    expect(builds(app)).toEqual(["v1"]);
    expect(await app.waitForVersion("v1")).toBe("v1");
  });

  it("maps tag names with slashes, spaces or a leading dot to directory names that stay inside releases/", async () => {
    expect(safeDirName("v1.2.3")).toBe("v1.2.3");
    expect(safeDirName("release/2026.01")).toBe("release%2F2026.01");
    expect(safeDirName("a b")).toBe("a%20b");
    expect(safeDirName("..")).toBe("%2E.");
    expect(safeDirName("a%2Fb")).not.toBe(safeDirName("a/b"));
    expect(safeDirName("x".repeat(300)).length).toBeLessThanOrEqual(200);

    const app = await createFixtureApp();
    app.repo.git("tag", "release/2026.01", app.releases.v2.sha);
    const outcome = await createDeployer(app.deployer()).deploy(request(app, { tag: "release/2026.01", sha: app.releases.v2.sha }));
    expect(outcome.ok).toBe(true);
    expect(readlinkSync(join(app.root, "current"))).toBe(join("releases", "release%2F2026.01"));
    expect(readdirSync(app.root).sort()).toEqual(["current", "releases", "shared"]);
    expect(await app.waitForVersion("v2")).toBe("v2");
  });

  it("refuses a relative root or a shared path that leaves the release, before touching anything", async () => {
    const app = await createFixtureApp();
    const configError = (message: string): unknown =>
      expect.objectContaining({ name: "ConfigError", exitCode: 2, message: expect.stringContaining(message) as unknown });
    expect(() => createDeployer(app.deployer({ root: "srv/app" }))).toThrow(configError('the release-dir root "srv/app" is not an absolute path'));
    expect(() => createDeployer(app.deployer({ shared: ["../etc/passwd"] }))).toThrow(configError('must not contain ".."'));
    expect(() => createDeployer(app.deployer({ shared: ["/etc/passwd"] }))).toThrow(configError('the shared path "/etc/passwd"'));
    expect(existsSync(join(app.root, "releases"))).toBe(false);
  });

  it("fails with the missing shared file named, and leaves no release behind", async () => {
    const app = await createFixtureApp();
    const outcome = await createDeployer(app.deployer({ shared: [".env", "config/secrets.yml"] })).deploy(request(app, app.releases.v1));
    expect(outcome.ok).toBe(false);
    expect(outcome.reason).toContain(`the shared file config/secrets.yml does not exist: create ${join(app.root, "shared", "config", "secrets.yml")} first`);
    expect(releaseDirs(app)).toEqual([]);
  });
});

describe("the release-dir deployer against hostile input", () => {
  it("refuses to link a shared path through a directory that the release commits as a symlink to elsewhere", async () => {
    const app = await createFixtureApp();
    const outside = tempDir();
    const sha = app.repo.commit("feat: config lives elsewhere", { config: { symlink: outside } });
    mkdirSync(join(app.root, "shared", "config", "local"), { recursive: true });
    writeFileSync(join(app.root, "shared", "config", "local", "app.yml"), "secret: 1\n");
    const outcome = await createDeployer(app.deployer({ shared: ["config/local/app.yml"] })).deploy(request(app, { tag: "v6", sha }));
    expect(outcome.ok).toBe(false);
    expect(outcome.reason).toContain('the shared path "config/local/app.yml" must be relative to <root>/shared');
    expect(readdirSync(outside)).toEqual([]);
    expect(releaseDirs(app)).toEqual([]);
  });

  it("fails without touching current when the release's commit is not in the repository", async () => {
    const app = await createFixtureApp();
    await createDeployer(app.deployer()).deploy(request(app, app.releases.v1));
    const missing = { tag: "v9", sha: "0123456789abcdef0123456789abcdef01234567" };
    const outcome = await createDeployer(app.deployer()).deploy(request(app, missing));
    expect(outcome.ok).toBe(false);
    expect(outcome.reason).toMatch(/^cannot read the files of v9 \(0123456789ab\) from the repository: git archive .* failed/);
    expect(readlinkSync(join(app.root, "current"))).toBe(join("releases", "v1"));
    expect(releaseDirs(app)).toEqual([".v1.json", "v1"]);
  });
});

describe("the command deployer", () => {
  it("runs the user's script with the SHIPGATE_* variables, and restore runs it again for the release to put back", async () => {
    const app = await createFixtureApp();
    const { v1, v2 } = app.releases;
    const cwd = tempDir();
    const deployer = createDeployer({ type: "command", command: 'env | grep ^SHIPGATE_ | sort > "$SHIPGATE_ACTION-$SHIPGATE_TAG.env"', cwd, timeout: 30 });
    expect((await deployer.deploy(request(app, v2, { previous: v1, lastGood: v1 }))).ok).toBe(true);
    expect(readFileSync(join(cwd, "deploy-v2.env"), "utf8")).toBe(
      [
        "SHIPGATE_ACTION=deploy",
        "SHIPGATE_ENV=production",
        `SHIPGATE_LAST_GOOD_SHA=${v1.sha}`,
        "SHIPGATE_LAST_GOOD_TAG=v1",
        `SHIPGATE_PREVIOUS_SHA=${v1.sha}`,
        "SHIPGATE_PREVIOUS_TAG=v1",
        `SHIPGATE_SHA=${v2.sha}`,
        "SHIPGATE_TAG=v2",
        "",
      ].join("\n"),
    );
    expect((await deployer.restore(request(app, v1, { previous: v2, lastGood: v1 }))).ok).toBe(true);
    expect(readFileSync(join(cwd, "restore-v1.env"), "utf8")).toContain("SHIPGATE_TAG=v1\n");
  });

  it("fails with the script's exit code and keeps its output", async () => {
    const app = await createFixtureApp();
    const deployer = createDeployer({ type: "command", command: ["sh", "-c", "echo 'rsync: connection refused' >&2; exit 12"], cwd: tempDir(), timeout: 30 });
    const outcome = await deployer.deploy(request(app, app.releases.v1));
    expect(outcome.ok).toBe(false);
    expect(outcome.reason).toContain("failed: it exited with code 12");
    expect(outcome.output).toBe("rsync: connection refused\n");
  });
});

/** Deploys `tag` of the fixture app with release-dir and waits until it serves (or, for v5, until nothing answers). */
async function serve(app: FixtureApp, tag: "v1" | "v3" | "v4" | "v5"): Promise<DeployRequest> {
  const deployed = request(app, app.releases[tag]);
  expect((await createDeployer(app.deployer()).deploy(deployed)).ok).toBe(true);
  if (tag === "v5") expect(await waitUntil(() => !running(Number(readFileSync(join(app.root, "shared", "app.pid"), "utf8"))), 250)).toBe(true);
  else expect(await app.waitForVersion(tag)).toBe(tag);
  return deployed;
}

describe("the http verifier", () => {
  it("passes a healthy release once enough consecutive probes answer the expected status and body", async () => {
    const app = await createFixtureApp();
    const deployed = await serve(app, "v1");
    const outcome = await runVerification([createHttpVerifier(app.health({ successes: 3, body: "ok v1" }))], deployed, 30);
    expect(outcome).toMatchObject({ ok: true, probes: 3 });
    expect(outcome.reason).toBe(`verified: http ${app.baseUrl}/health: 3 consecutive probes passed (3 probes)`);
    expect(outcome.output.match(/^probe \d+ at .*: answered 200/gm)).toHaveLength(3);
    const wrongBody = await runVerification([createHttpVerifier(app.health({ body: "ok v2" }))], deployed, 30);
    expect(wrongBody.reason).toContain('the last one: answered 200 but the body does not contain "ok v2"');
  });

  it("fails a release whose health check answers 500 after exactly `failures` consecutive probes, and records the detection time", async () => {
    const app = await createFixtureApp();
    const deployed = await serve(app, "v3");
    const outcome = await runVerification([createHttpVerifier(app.health({ failures: 3, interval: 0.1 }))], deployed, 30);
    expect(outcome).toMatchObject({ ok: false, probes: 3 });
    expect(outcome.reason).toBe(`http ${app.baseUrl}/health: 3 consecutive probes failed; the last one: answered 500, expected 200`);
    expect(outcome.detectionMs).toEqual(expect.any(Number));
    expect(outcome.output.match(/^probe \d+ at .*: answered 500, expected 200/gm)).toHaveLength(3);
  });

  it("fails a release that crashed at start: the probes find the connection refused", async () => {
    const app = await createFixtureApp();
    const deployed = await serve(app, "v5");
    const outcome = await runVerification([createHttpVerifier(app.health({ failures: 4 }))], deployed, 30);
    expect(outcome).toMatchObject({ ok: false, probes: 4 });
    expect(outcome.reason).toBe(`http ${app.baseUrl}/health: 4 consecutive probes failed; the last one: connection refused`);
  });

  it("fails when the window closes before enough probes agree", async () => {
    const app = await createFixtureApp();
    const deployed = await serve(app, "v1");
    const outcome = await runVerification([createHttpVerifier(app.health({ successes: 1000, interval: 0.05 }))], deployed, 0.5);
    expect(outcome.ok).toBe(false);
    expect(outcome.reason).toMatch(/: no verdict before the verification window closed \(\d+ probes; the last one: answered 200\)$/);
    expect(outcome.probes).toBeGreaterThan(0);
    expect(outcome.probes).toBeLessThan(1000);
  });

  it("counts a probe that gets no answer within its timeout as a failure", async () => {
    const app = await createFixtureApp();
    const deployed = request(app, app.releases.v1);
    const silent = createServer(() => undefined); // accepts connections, never answers
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    onTestFinished(() => void silent.close());
    silent.on("connection", (socket) => onTestFinished(() => void socket.destroy()));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/health`;
    const outcome = await runVerification([createHttpVerifier(app.health({ url, timeout: 0.1, failures: 2 }))], deployed, 30);
    expect(outcome).toMatchObject({ ok: false, probes: 2 });
    expect(outcome.reason).toContain("2 consecutive probes failed; the last one: no response within 0.1 s");
  });
});

describe("the command verifier and the verification window", () => {
  it("fails a release whose smoke test exits non-zero, and passes one whose smoke test passes", async () => {
    const app = await createFixtureApp();
    const broken = await serve(app, "v4");
    const failed = await runVerification([createCommandVerifier(app.smoke())], broken, 30);
    expect(failed).toMatchObject({ ok: false, probes: 1, reason: "command node smoke.mjs: exited with code 1, expected 0" });
    expect(failed.output).toContain('smoke test failed: /greeting answered 500 "broken"');
    const healthy = await serve(app, "v1");
    const passed = await runVerification([createCommandVerifier(app.smoke())], healthy, 30);
    expect(passed).toMatchObject({ ok: true, reason: "verified: command node smoke.mjs: exited with code 0" });
  });

  it("passes when every configured verifier passes, and names each one", async () => {
    const app = await createFixtureApp();
    const deployed = await serve(app, "v1");
    const verifiers = createVerifiers({ window: 30, http: [app.health()], commands: [app.smoke()], prometheus: [] });
    const outcome = await runVerification(verifiers, deployed, 30);
    expect(outcome.ok).toBe(true);
    expect(outcome.reason).toBe(`verified: http ${app.baseUrl}/health: 2 consecutive probes passed (2 probes); command node smoke.mjs: exited with code 0`);
    expect(outcome.output).toContain(`== http ${app.baseUrl}/health\n`);
    expect(outcome.output).toContain("== command node smoke.mjs\nsmoke test passed\n");
  });

  it("stops the other verifiers, killing their processes, as soon as one fails", async () => {
    const app = await createFixtureApp();
    const deployed = await serve(app, "v3");
    const pidFile = join(app.root, "checker.pid");
    const slowChecker = createCommandVerifier({ command: `sleep 1000 & echo $! > ${pidFile}; wait`, exitCode: 0, cwd: app.root, timeout: 600 });
    const outcome = await runVerification([slowChecker, createHttpVerifier(app.health({ failures: 2 }))], deployed, 600);
    expect(outcome.ok).toBe(false);
    expect(outcome.reason).toBe(`http ${app.baseUrl}/health: 2 consecutive probes failed; the last one: answered 500, expected 200`);
    expect(await waitUntil(() => !running(readPid(pidFile)!))).toBe(true);
  });

  it("says the verification was cancelled when the worker stops it", async () => {
    const app = await createFixtureApp();
    const controller = new AbortController();
    const deployed = { ...(await serve(app, "v1")), signal: controller.signal };
    const run = runVerification([createHttpVerifier(app.health({ successes: 1000 }))], deployed, 600);
    setTimeout(() => controller.abort(), 200);
    expect(await run).toMatchObject({ ok: false, reason: "verification was cancelled" });
  });

  it("passes with nothing to verify when no verifier is configured", async () => {
    const app = await createFixtureApp();
    expect(await runVerification([], request(app, app.releases.v1), 1)).toMatchObject({
      ok: true,
      probes: 0,
      reason: "no verifiers configured: nothing to verify",
    });
  });
});
