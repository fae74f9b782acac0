import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { gitEnv } from "@shipgate/test-utils";
import { ensureBuilt } from "@shipgate/test-utils/pack";
import { postReceive, type DeployRecord } from "../../packages/deploy/src/index.js";
import { createDeployFixture, deployConfig, until, type DeployFixture } from "./engine-fixture.js";

const WORKER = new URL("./fixtures/worker.mjs", import.meta.url).pathname;
const P = "refs/shipgate/production";

beforeAll(() => ensureBuilt(), 300_000);

interface Worker {
  child: ChildProcess;
  done: Promise<{ code: number | null; records: { tag: string; verdict: string; exitCode: number }[]; stderr: string }>;
}

/** A worker process (the built engine with the file steps); with `killAt` it hangs right after persisting that state. */
function startWorker(f: DeployFixture, killAt?: string): Worker {
  const child = spawn(process.execPath, [WORKER, f.gitDir, f.configFile, f.root], { env: gitEnv(killAt === undefined ? {} : { KILL_AT: killAt }) });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const done = new Promise<{ code: number | null; records: { tag: string; verdict: string; exitCode: number }[]; stderr: string }>((resolve) =>
    child.on("close", (code) => resolve({ code, records: code === 0 ? (JSON.parse(stdout) as never) : [], stderr })),
  );
  return { child, done };
}

/** Starts a worker that stops dead in `state`, and kill -9s it there. */
async function killIn(f: DeployFixture, state: string): Promise<void> {
  const marker = join(f.root, `reached-${state}`);
  rmSync(marker, { force: true });
  const worker = startWorker(f, state);
  await Promise.race([
    until(() => existsSync(marker)),
    worker.done.then(({ stderr }) => Promise.reject(new Error(`worker exited before ${state}: ${stderr}`))),
  ]);
  worker.child.kill("SIGKILL");
  await worker.done;
}

async function queue(f: DeployFixture, tag: string): Promise<void> {
  const input = `${"0".repeat(40)} ${f.remote.git("rev-parse", tag)} refs/tags/${tag}\n`;
  await postReceive({ gitDir: f.gitDir, configFile: f.configFile, input, who: "alice", env: gitEnv(), print: () => undefined, startWorker: () => undefined });
}

/** After everything: exactly one record of the job, nothing locked, running or queued, one `finished` audit line. */
async function expectCleanEnd(f: DeployFixture, sha: string): Promise<DeployRecord> {
  const notes = f.notes(sha);
  expect(notes).toHaveLength(1);
  const ledger = await f.ledger();
  expect(Object.keys(ledger).filter((ref) => /\/(lock|run|queued)$/.test(ref))).toEqual([]);
  expect(f.remote.git("for-each-ref", "refs/notes/shipgate-tmp/")).toBe("");
  expect(f.audit().filter((entry) => entry["event"] === "finished" && entry["deploy"] === notes[0]!.id)).toHaveLength(1);
  return notes[0]!;
}

describe("kill -9 of the worker at each state, then a new worker", () => {
  const healthy: [string, string[]][] = [
    ["locked", ["deploy v2", "verify v2"]],
    ["deploying", ["deploy v2", "verify v2"]],
    ["verifying", ["deploy v2", "verify v2"]],
    ["promoted", ["deploy v2", "verify v2"]],
  ];
  it.each(healthy)("finishes a healthy release stopped in %s without deploying it twice", async (state, expected) => {
    const f = createDeployFixture();
    f.release("v1", "healthy\n");
    const sha = f.release("v2", "healthy\n");
    await f.deploy("v1");
    await queue(f, "v2");
    await killIn(f, state);
    const ledger = await f.ledger();
    expect([ledger[`${P}/run`]?.["state"], typeof ledger[`${P}/lock`]?.["pid"]]).toEqual([state, "number"]);
    const { code, records } = await startWorker(f).done;
    expect([code, records]).toEqual([0, [{ tag: "v2", verdict: "promoted", exitCode: 0 }]]);
    expect(f.calls().slice(2)).toEqual(expected);
    const record = await expectCleanEnd(f, sha);
    expect(record.interruptions.map((stop) => stop.state)).toEqual(state === "promoted" ? [] : [state]);
    expect(f.audit().filter((entry) => entry["event"] === "lock-taken-over")).toHaveLength(1);
    expect((await f.ledger())[`${P}/good`]?.["tag"]).toBe("v2");
  });

  const failing: [string, string[]][] = [
    ["failed", ["deploy v2", "verify v2", "restore v1", "verify v1"]],
    ["marking-bad", ["deploy v2", "verify v2", "restore v1", "verify v1"]],
    ["restoring", ["deploy v2", "verify v2", "restore v1", "verify v1"]],
    ["verifying-restore", ["deploy v2", "verify v2", "restore v1", "verify v1"]],
    ["restored", ["deploy v2", "verify v2", "restore v1", "verify v1"]],
  ];
  it.each(failing)("finishes the rollback of a failing release stopped in %s, marking it bad once and restoring once", async (state, expected) => {
    const f = createDeployFixture();
    f.release("v1", "healthy\n");
    const sha = f.release("v2", "unhealthy\n");
    await f.deploy("v1");
    await queue(f, "v2");
    await killIn(f, state);
    const { code, records } = await startWorker(f).done;
    expect([code, records]).toEqual([0, [{ tag: "v2", verdict: "restored", exitCode: 4 }]]);
    expect(f.calls().slice(2)).toEqual(expected);
    expect(f.serving()).toBe("v1");
    await expectCleanEnd(f, sha);
    const ledger = await f.ledger();
    expect([ledger[`${P}/current`]?.["tag"], ledger[`${P}/good`]?.["tag"], ledger[`${P}/bad/v2`]?.["tag"]]).toEqual(["v1", "v1", "v2"]);
  });

  it("finishes a freeze stopped in frozen, with one frozen marker and one record", async () => {
    const f = createDeployFixture();
    const sha = f.release("v1", "unhealthy\n");
    await queue(f, "v1");
    await killIn(f, "frozen");
    const { records } = await startWorker(f).done;
    expect(records).toEqual([{ tag: "v1", verdict: "frozen", exitCode: 5 }]);
    await expectCleanEnd(f, sha);
    expect((await f.ledger())[`${P}/frozen`]).toMatchObject({ tag: "v1" });
  });

  it("refuses a release whose gate a stopped worker had started, once the gate cannot run", async () => {
    const f = createDeployFixture(deployConfig({ gate: true }));
    const sha = f.release("v1", "healthy\n");
    await queue(f, "v1");
    await killIn(f, "gate");
    const { records } = await startWorker(f).done;
    expect(records).toEqual([{ tag: "v1", verdict: "refused", exitCode: 1 }]);
    expect(f.calls()).toEqual([]);
    await expectCleanEnd(f, sha);
  });

  it("gives up on a release after the worker was killed twice while deploying it: marked bad, last good restored", async () => {
    const f = createDeployFixture();
    f.release("v1", "healthy\n");
    const sha = f.release("v2", "healthy\n");
    await f.deploy("v1");
    await queue(f, "v2");
    await killIn(f, "deploying");
    await killIn(f, "deploying");
    const { records } = await startWorker(f).done;
    expect(records).toEqual([{ tag: "v2", verdict: "restored", exitCode: 4 }]);
    expect(f.calls().slice(2)).toEqual(["restore v1", "verify v1"]);
    const record = await expectCleanEnd(f, sha);
    expect([record.failure, record.interruptions.map((stop) => stop.state)]).toEqual([
      "the worker stopped twice during deploying of v2; not trying a third time",
      ["deploying", "deploying"],
    ]);
  });

  it("deploys again from the start a release whose deploy step was killed halfway, and ends the job once", async () => {
    const f = createDeployFixture();
    const sha = f.release("v1", "healthy\n");
    await queue(f, "v1");
    writeFileSync(join(f.root, "hold-deploy"), "");
    const first = startWorker(f);
    await until(() => f.calls().includes("deploy v1"));
    first.child.kill("SIGKILL");
    await first.done;
    rmSync(join(f.root, "hold-deploy"));
    const { records } = await startWorker(f).done;
    expect(records).toEqual([{ tag: "v1", verdict: "promoted", exitCode: 0 }]);
    expect(f.calls()).toEqual(["deploy v1", "deploy v1", "verify v1"]);
    expect((await expectCleanEnd(f, sha)).steps.filter((step) => step.state === "deploying").map((step) => step.reason)).toEqual([
      "interrupted: the worker stopped during deploying",
      "v1 is serving",
    ]);
  });
});

describe("workers started at once", () => {
  it("deploys a queued release once when two workers start at the same moment", async () => {
    const f = createDeployFixture();
    const sha = f.release("v1", "healthy\n");
    await queue(f, "v1");
    const results = await Promise.all([startWorker(f).done, startWorker(f).done]);
    expect(results.map((result) => result.code)).toEqual([0, 0]);
    expect(results.flatMap((result) => result.records)).toEqual([{ tag: "v1", verdict: "promoted", exitCode: 0 }]);
    expect(f.calls()).toEqual(["deploy v1", "verify v1"]);
    await expectCleanEnd(f, sha);
  });
});
