import { writeFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ExitCode } from "../../packages/core/src/index.js";
import { acquireLock, rollbackRelease, unfreeze } from "../../packages/deploy/src/index.js";
import { gitEnv } from "@shipgate/test-utils";
import { Ledger } from "../../packages/core/src/index.js";
import { createDeployFixture, deployConfig, until } from "./engine-fixture.js";
import { fileSteps } from "./fixtures/file-steps.mjs";

const P = "refs/shipgate/production";

describe("deploy engine: verdicts and exit codes", () => {
  it("promotes a release that passes verification: current and good name it, the note and the audit log record it, exit 0", async () => {
    const f = createDeployFixture();
    const sha = f.release("v1", "healthy\n");
    const record = await f.deploy("v1");
    expect([record.verdict, record.exitCode]).toEqual(["promoted", ExitCode.Pass]);
    expect(record.steps.map((step) => step.state)).toEqual(["queued", "locked", "deploying", "verifying", "promoted"]);
    const ledger = await f.ledger();
    expect([ledger[`${P}/current`]?.["tag"], ledger[`${P}/good`]?.["tag"], ledger[`${P}/good`]?.["sha"]]).toEqual(["v1", "v1", sha]);
    expect(Object.keys(ledger).filter((ref) => /\/(lock|run|queued)$/.test(ref))).toEqual([]);
    // what the release gate's `--from auto` reads: the pointer has the release's tree and the release as ancestor
    expect(f.remote.git("rev-parse", `${P}/good^{tree}`)).toBe(f.remote.git("rev-parse", `${sha}^{tree}`));
    expect(f.remote.git("rev-list", `${P}/good`, `^${sha}`, "--no-merges", "--count")).toBe("1");
    const [note] = f.notes(sha);
    expect(note).toMatchObject({
      id: record.id,
      env: "production",
      release: { tag: "v1", sha },
      who: "tester",
      trigger: "cli",
      verdict: "promoted",
      exitCode: 0,
    });
    expect(note!.steps.every((step) => step.startedAt !== undefined && step.endedAt !== undefined)).toBe(true);
    expect(note!.steps.find((step) => step.state === "deploying")?.output).toBe("switched to v1\n");
    expect(f.audit().filter((entry) => entry["event"] === "finished")).toMatchObject([{ deploy: record.id, verdict: "promoted", exitCode: 0, tag: "v1" }]);
    expect(f.calls()).toEqual(["deploy v1", "verify v1"]);
  });

  it("marks a release that fails verification bad, puts the last good release back, verifies it and exits 4", async () => {
    const f = createDeployFixture();
    const v1 = f.release("v1", "healthy\n");
    const v2 = f.release("v2", "unhealthy\n");
    await f.deploy("v1");
    const record = await f.deploy("v2");
    expect([record.verdict, record.exitCode]).toEqual(["restored", ExitCode.DeployRolledBack]);
    expect(f.calls()).toEqual(["deploy v1", "verify v1", "deploy v2", "verify v2", "restore v1", "verify v1"]);
    expect(f.serving()).toBe("v1");
    const ledger = await f.ledger();
    expect([ledger[`${P}/current`]?.["tag"], ledger[`${P}/good`]?.["tag"]]).toEqual(["v1", "v1"]);
    expect(ledger[`${P}/bad/v2`]).toMatchObject({
      tag: "v2",
      sha: v2,
      deploy: record.id,
      reason: "v2 failed verification: GET /health: expected 200, got 500",
    });
    expect(record.steps.map((step) => step.state)).toEqual([
      "queued",
      "locked",
      "deploying",
      "verifying",
      "failed",
      "marking-bad",
      "restoring",
      "verifying-restore",
      "restored",
    ]);
    expect(record.restoreTarget).toMatchObject({ tag: "v1", sha: v1 });
    const { timings } = record;
    expect(timings.detectionMs).toBeGreaterThanOrEqual(0);
    expect(timings.verdictToRestoreMs).toBeGreaterThanOrEqual(0);
    expect(timings.timeToRestoreMs).toBeGreaterThanOrEqual(timings.restoreMs ?? Infinity);
    expect(f.notes(v2).map((note) => note.verdict)).toEqual(["restored"]);
  });

  it("freezes the environment and exits 5 when no release passed verification before the failing one", async () => {
    const f = createDeployFixture();
    f.release("v1", "unhealthy\n");
    const record = await f.deploy("v1");
    expect([record.verdict, record.exitCode]).toEqual(["frozen", ExitCode.DeployFrozen]);
    expect(f.calls()).toEqual(["deploy v1", "verify v1"]);
    const ledger = await f.ledger();
    expect(ledger[`${P}/frozen`]).toMatchObject({ deploy: record.id, tag: "v1", reason: expect.stringContaining("nothing to restore") });
    expect(ledger[`${P}/good`]).toBeUndefined();
  });

  it("freezes when the restored release fails its own verification, and tries nothing after that", async () => {
    const f = createDeployFixture();
    f.release("v1", "healthy\n");
    f.release("v2", "healthy\n");
    await f.deploy("v1");
    writeFileSync(join(f.root, "outage"), "");
    const record = await f.deploy("v2");
    expect([record.verdict, record.exitCode]).toEqual(["frozen", ExitCode.DeployFrozen]);
    expect(f.calls()).toEqual(["deploy v1", "verify v1", "deploy v2", "verify v2", "restore v1", "verify v1"]);
    expect(record.reason).toBe("v1 was put back but failed its verification too: GET /health: connection refused");
    const ledger = await f.ledger();
    expect(
      Object.keys(ledger)
        .filter((ref) => ref.startsWith(`${P}/`))
        .sort(),
    ).toEqual([`${P}/bad/v2`, `${P}/current`, `${P}/frozen`, `${P}/good`]);
  });

  it("freezes instead of putting back the previous release when that one never passed verification", async () => {
    const f = createDeployFixture();
    f.release("v1", "unhealthy\n");
    f.release("v2", "unhealthy\n");
    await f.deploy("v1");
    await unfreeze(await f.target(), { env: "production", reason: "fixing forward", who: "tester" });
    const record = await f.deploy("v2");
    expect(record.previous?.tag).toBe("v1");
    expect([record.verdict, record.restoreTarget]).toEqual(["frozen", null]);
    expect(f.calls().filter((call) => call.startsWith("restore"))).toEqual([]);
  });

  it("refuses a release the gate refuses: nothing is deployed, the refusal is recorded, exit 1", async () => {
    const f = createDeployFixture(deployConfig({ gate: true }));
    const sha = f.release("v1", "healthy\n");
    const record = await f.deploy("v1", {
      gate: async ({ from, to }) => ({
        ok: false,
        reason: `migration 0007 drops a column ${from === null ? "(first deploy)" : from.tag} still reads (${to.tag})`,
        output: "0007_drop.sql:1\n",
      }),
    });
    expect([record.verdict, record.exitCode]).toEqual(["refused", ExitCode.Blocked]);
    expect(record.reason).toBe("the release gate refused v1: migration 0007 drops a column (first deploy) still reads (v1)");
    expect(f.calls()).toEqual([]);
    expect(f.notes(sha).map((note) => note.verdict)).toEqual(["refused"]);
    expect(Object.keys(await f.ledger())).toEqual([]);
  });

  it("refuses an environment with gate: true when no gate is wired, rather than deploying unchecked", async () => {
    const f = createDeployFixture(deployConfig({ gate: true }));
    f.release("v1", "healthy\n");
    const record = await f.deploy("v1");
    expect([record.verdict, record.exitCode, f.calls()]).toEqual(["refused", ExitCode.Blocked, []]);
  });
});

describe("deploy engine: bad releases and frozen environments", () => {
  it("refuses a tag marked bad unless --allow-bad with a reason, and clears the mark once it passes", async () => {
    const f = createDeployFixture();
    f.release("v1", "healthy\n");
    f.release("v2", "healthy\n");
    await f.deploy("v1");
    writeFileSync(join(f.root, "outage"), "");
    await f.deploy("v2");
    await unfreeze(await f.target(), { env: "production", reason: "network fixed", who: "tester" });
    rmSync(join(f.root, "outage"));
    const before = await f.ledger();
    await expect(f.deploy("v2")).rejects.toMatchObject({ exitCode: ExitCode.Blocked, message: expect.stringContaining("v2 is marked bad in production") });
    expect(await f.ledger()).toEqual(before);
    const record = await f.deploy("v2", { allowBad: { reason: "the outage was the network, not v2" } });
    expect([record.verdict, record.allowBad]).toEqual(["promoted", { reason: "the outage was the network, not v2" }]);
    const ledger = await f.ledger();
    expect([ledger[`${P}/bad/v2`], ledger[`${P}/good`]?.["tag"]]).toEqual([undefined, "v2"]);
  });

  it("refuses every deploy and rollback of a frozen environment until someone unfreezes it with a reason", async () => {
    const f = createDeployFixture();
    f.release("v1", "unhealthy\n");
    f.release("v2", "healthy\n");
    await f.deploy("v1");
    await expect(f.deploy("v2")).rejects.toMatchObject({ exitCode: ExitCode.Blocked, message: expect.stringContaining("production is frozen") });
    const target = await f.target();
    await expect(unfreeze(target, { env: "production", reason: "  ", who: "tester" })).rejects.toThrow(/needs --reason/);
    expect(await unfreeze(target, { env: "production", reason: "bad config reverted", who: "ops" })).toBe(true);
    expect(await unfreeze(target, { env: "production", reason: "again", who: "ops" })).toBe(false);
    expect(f.audit().filter((entry) => entry["event"] === "unfrozen")).toMatchObject([{ who: "ops", reason: "bad config reverted" }]);
    expect((await f.deploy("v2")).verdict).toBe("promoted");
  });

  it("refuses an unknown environment and a tag that does not exist, and changes nothing", async () => {
    const f = createDeployFixture();
    f.release("v1", "healthy\n");
    await f.deploy("v1");
    const before = f.remote.git("for-each-ref");
    await expect(f.deploy("v1", { env: "prod" })).rejects.toMatchObject({
      exitCode: ExitCode.Usage,
      message: expect.stringContaining('unknown environment "prod"'),
    });
    await expect(f.deploy("v9")).rejects.toMatchObject({ exitCode: ExitCode.Usage, message: 'there is no tag or branch named "v9" in this repository' });
    await expect(f.deploy("v1..v2")).rejects.toMatchObject({ exitCode: ExitCode.Usage, message: '"v1..v2" is not a valid tag name' });
    expect(f.remote.git("for-each-ref")).toBe(before);
  });
});

describe("deploy engine: the lock during a deploy", () => {
  it("renews its lease while a step runs longer than the lease, so no one takes the lock over", async () => {
    const f = createDeployFixture(deployConfig({}, { lockLease: 3 }));
    f.release("v1", "healthy\n");
    writeFileSync(join(f.root, "hold-verify"), "");
    const deploying = f.deploy("v1");
    await until(() => f.calls().includes("verify v1"));
    await new Promise((resolve) => setTimeout(resolve, 4500)); // past the lease the lock was taken with
    const intruder = await acquireLock(Ledger.at(f.gitDir, gitEnv()), "production", { owner: "intruder", purpose: "worker", leaseSeconds: 3 });
    expect(intruder).toMatchObject({ ok: false, holder: { owner: "tester", pid: process.pid } });
    rmSync(join(f.root, "hold-verify"));
    expect((await deploying).verdict).toBe("promoted");
    expect((await f.ledger())["refs/shipgate/production/lock"]).toBeUndefined();
  });
});

describe("deploy engine: rollback by hand", () => {
  it("puts back the good release before the current one, verifies it and exits 0", async () => {
    const f = createDeployFixture();
    f.release("v1", "healthy\n");
    f.release("v2", "healthy\n");
    await f.deploy("v1");
    await f.deploy("v2");
    const record = await rollbackRelease(await f.target(), { env: "production" }, { who: "ops", steps: async () => fileSteps(f.root) });
    expect([record.kind, record.release.tag, record.verdict, record.exitCode]).toEqual(["rollback", "v1", "restored", ExitCode.Pass]);
    expect(f.calls().slice(-2)).toEqual(["restore v1", "verify v1"]);
    const ledger = await f.ledger();
    expect([ledger[`${P}/current`]?.["tag"], ledger[`${P}/good`]?.["tag"]]).toEqual(["v1", "v1"]);
  });

  it("refuses to roll back to a release marked bad, or when there is nothing to roll back to", async () => {
    const f = createDeployFixture();
    f.release("v1", "healthy\n");
    f.release("v2", "unhealthy\n");
    await f.deploy("v1");
    const target = await f.target();
    await expect(rollbackRelease(target, { env: "production" }, { who: "ops" })).rejects.toThrow(/no earlier release that passed verification/);
    await f.deploy("v2");
    await expect(rollbackRelease(target, { env: "production", to: "v2" }, { who: "ops" })).rejects.toThrow(/v2 is marked bad in production/);
  });
});
