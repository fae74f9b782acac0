import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { gitEnv, run } from "@shipgate/test-utils";
import { ensureBuilt } from "@shipgate/test-utils/pack";
import { acquireLock, releaseLock, workerLogPath } from "../../packages/deploy/src/index.js";
import { Ledger } from "../../packages/core/src/index.js";
import { createDeployFixture, deployConfig, until, type DeployFixture } from "./engine-fixture.js";
import { install } from "../server/fixture.js";

beforeAll(() => ensureBuilt(), 300_000);

/** Installs the hooks with `shipgate server install`, the trusted config holding the deploy: section. */
function installHooks(f: DeployFixture, config: string): void {
  writeFileSync(f.configFile, config);
  install(f.gitDir, f.configFile);
}

function push(f: DeployFixture, ...refspecs: string[]): { code: number; remote: string[] } {
  const result = run("git", ["push", "origin", ...refspecs], { cwd: f.work.dir, env: gitEnv({ SHIPGATE_USER: "alice" }) });
  const remote = result.stderr
    .split("\n")
    .filter((line) => line.startsWith("remote: "))
    .map((line) => line.slice("remote: ".length).trimEnd())
    .filter((line) => !line.startsWith("shipgate: checked ")); // the pre-receive checker's own line
  return { code: result.code, remote };
}

function tag(f: DeployFixture, name: string, content: string): void {
  f.work.commit(`feat: ${name}`, { "app.txt": content });
  f.work.git("tag", "-a", name, "-m", name);
}

/** Holds the environment's lock as a live process, so the worker the hook starts finds it taken and leaves. */
async function holdLock(f: DeployFixture) {
  const ledger = Ledger.at(f.gitDir, gitEnv());
  const attempt = await acquireLock(ledger, "production", { owner: "test", purpose: "holding", leaseSeconds: 600 });
  if (!attempt.ok) throw new Error("lock not taken");
  return () => releaseLock(ledger, attempt.lock);
}

describe("the post-receive hook written by shipgate server install", () => {
  it("queues a pushed release tag, prints one remote line and starts a detached worker", async () => {
    const f = createDeployFixture();
    installHooks(f, deployConfig());
    expect(readFileSync(join(f.gitDir, "hooks", "post-receive"), "utf8")).toContain("/packages/deploy/bin.js'");
    expect(f.remote.git("config", "shipgate.config")).toBe(f.configFile);
    const release = await holdLock(f);
    tag(f, "v1", "healthy\n");
    const { code, remote } = push(f, "main", "v1");
    expect([code, remote]).toEqual([0, ["shipgate: v1 queued for production — follow with: shipgate status --env production --follow"]]);
    expect((await f.ledger())["refs/shipgate/production/queued"]).toMatchObject({ release: { tag: "v1" }, who: "alice", trigger: "push" });
    await until(() => existsSync(workerLogPath(f.gitDir)));
    await release();
    expect((await f.work1()).map((record) => [record.release.tag, record.verdict, record.who])).toEqual([["v1", "promoted", "alice"]]);
  });

  it("answers a push of a tag marked bad with a remote line saying so, and queues nothing", async () => {
    const f = createDeployFixture();
    f.release("v1", "healthy\n");
    f.release("v2", "unhealthy\n");
    await f.deploy("v1");
    await f.deploy("v2");
    installHooks(f, deployConfig());
    f.remote.git("tag", "-d", "v2");
    const { code, remote } = push(f, "v2");
    expect(code).toBe(0);
    expect(remote).toEqual([
      'shipgate: v2 not queued: it is marked bad in production (v2 failed verification: GET /health: expected 200, got 500) — to deploy it anyway: shipgate deploy v2 --env production --allow-bad --reason "..."',
    ]);
    expect((await f.ledger())["refs/shipgate/production/queued"]).toBeUndefined();
  });

  it("reads the deploy settings from the trusted config only, never from a pushed .shipgate.yml", async () => {
    const f = createDeployFixture();
    installHooks(f, deployConfig());
    const release = await holdLock(f);
    const pwned = join(f.root, "pwned");
    const evil = { deploy: { environments: { evil: { trigger: { tags: ["v*"] }, deployer: { type: "command", command: ["touch", pwned] } } } } };
    f.work.commit("chore: deploy settings", { ".shipgate.yml": JSON.stringify(evil), "app.txt": "healthy\n" });
    f.work.git("tag", "-a", "v1", "-m", "v1");
    const { remote } = push(f, "main", "v1");
    expect(remote).toEqual(["shipgate: v1 queued for production — follow with: shipgate status --env production --follow"]);
    expect(Object.keys(await f.ledger()).filter((ref) => ref.includes("/evil/"))).toEqual([]);
    await release();
    expect(existsSync(pwned)).toBe(false);
  });

  it("still runs the post-receive hook it replaced, with the same input", async () => {
    const f = createDeployFixture();
    const seen = join(f.root, "chained-input");
    writeFileSync(join(f.gitDir, "hooks", "post-receive"), `#!/bin/sh\ncat > '${seen}'\necho chained ran\n`, { mode: 0o755 });
    installHooks(f, deployConfig());
    const release = await holdLock(f);
    tag(f, "v1", "healthy\n");
    const { remote } = push(f, "v1");
    await release();
    expect(remote).toEqual(["shipgate: v1 queued for production — follow with: shipgate status --env production --follow", "chained ran"]);
    expect(readFileSync(seen, "utf8")).toBe(`${"0".repeat(40)} ${f.remote.git("rev-parse", "v1")} refs/tags/v1\n`);
  });
});
