import { createServer, type Server } from "node:http";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { gitEnv } from "@shipgate/test-utils";
import { postReceive, unfreeze } from "../../packages/deploy/src/index.js";
import { createDeployFixture, deployConfig, until, type DeployFixture } from "./engine-fixture.js";

const ZERO = "0".repeat(40);

/** Runs the post-receive trigger for `refs` as git would after a push; returns the lines the pusher sees. */
async function push(f: DeployFixture, refs: string[]): Promise<{ lines: string[]; started: number }> {
  const lines: string[] = [];
  let started = 0;
  const input = refs.map((ref) => `${ZERO} ${f.remote.git("rev-parse", ref)} ${ref}\n`).join("");
  await postReceive({
    gitDir: f.gitDir,
    configFile: f.configFile,
    input,
    who: "alice",
    env: gitEnv(),
    print: (line) => lines.push(line),
    startWorker: () => started++,
  });
  return { lines, started };
}

describe("post-receive trigger and queue", () => {
  it("queues a pushed release tag, prints one line for it and starts a worker that deploys it", async () => {
    const f = createDeployFixture();
    f.release("v1", "healthy\n");
    const { lines, started } = await push(f, ["refs/tags/v1", "refs/heads/main"]);
    expect(lines).toEqual(["shipgate: v1 queued for production — follow with: shipgate status --env production --follow"]);
    expect(started).toBe(1);
    expect((await f.ledger())["refs/shipgate/production/queued"]).toMatchObject({
      env: "production",
      release: { tag: "v1", ref: "refs/tags/v1" },
      who: "alice",
      trigger: "push",
    });
    const records = await f.work1();
    expect(records.map((record) => [record.release.tag, record.verdict, record.who, record.trigger])).toEqual([["v1", "promoted", "alice", "push"]]);
    expect(Object.keys(await f.ledger()).sort()).toEqual(["refs/shipgate/production/current", "refs/shipgate/production/good"]);
  });

  it("lets a newer queued tag replace an older queued one, and deploys only the newer", async () => {
    const f = createDeployFixture();
    f.release("v1", "healthy\n");
    f.release("v2", "healthy\n");
    f.release("v10", "healthy\n");
    expect((await push(f, ["refs/tags/v1"])).lines).toEqual(["shipgate: v1 queued for production — follow with: shipgate status --env production --follow"]);
    expect((await push(f, ["refs/tags/v10", "refs/tags/v2"])).lines).toEqual([
      "shipgate: v2 not queued for production: v10 in the same push replaces it",
      "shipgate: v10 queued for production (replaces v1, which had not started) — follow with: shipgate status --env production --follow",
    ]);
    const records = await f.work1();
    expect(records.map((record) => record.release.tag)).toEqual(["v10"]);
    expect(f.calls()).toEqual(["deploy v10", "verify v10"]);
    expect(f.audit().filter((entry) => entry["event"] === "superseded")).toMatchObject([{ tag: "v1" }]);
  });

  it("never replaces the running deploy: a tag pushed meanwhile deploys after it", async () => {
    const f = createDeployFixture();
    f.release("v1", "healthy\n");
    f.release("v2", "healthy\n");
    await push(f, ["refs/tags/v1"]);
    writeFileSync(join(f.root, "hold-verify"), "");
    const worker = f.work1();
    await until(() => f.calls().includes("verify v1"));
    expect((await push(f, ["refs/tags/v2"])).lines[0]).toMatch(/^shipgate: v2 queued for production — /);
    rmSync(join(f.root, "hold-verify"));
    const records = await worker;
    expect(records.map((record) => [record.release.tag, record.verdict])).toEqual([
      ["v1", "promoted"],
      ["v2", "promoted"],
    ]);
    expect(f.calls()).toEqual(["deploy v1", "verify v1", "deploy v2", "verify v2"]);
  });

  it("lets a deploy run by hand replace the job waiting in the queue, which would otherwise undo it", async () => {
    const f = createDeployFixture();
    f.release("v1", "healthy\n");
    f.release("v2", "healthy\n");
    await push(f, ["refs/tags/v2"]);
    expect((await f.deploy("v1")).verdict).toBe("promoted");
    expect(await f.work1()).toEqual([]);
    expect(f.calls()).toEqual(["deploy v1", "verify v1"]);
    expect(f.audit().filter((entry) => entry["event"] === "superseded")).toMatchObject([{ tag: "v2" }]);
  });

  it("answers a push of a tag marked bad with a remote line, and queues nothing", async () => {
    const f = createDeployFixture();
    f.release("v1", "healthy\n");
    f.release("v2", "unhealthy\n");
    await f.deploy("v1");
    await f.deploy("v2");
    f.work.git("tag", "v2-again", "v2");
    f.work.git("push", "-q", "origin", "refs/tags/v2-again");
    const { lines, started } = await push(f, ["refs/tags/v2", "refs/tags/v2-again"]);
    expect(lines).toEqual([
      "shipgate: v2 not queued for production: v2-again in the same push replaces it",
      'shipgate: v2-again not queued: it is marked bad in production (v2 failed verification: GET /health: expected 200, got 500) — to deploy it anyway: shipgate deploy v2-again --env production --allow-bad --reason "..."',
    ]);
    expect(started).toBe(0);
    expect((await f.ledger())["refs/shipgate/production/queued"]).toBeUndefined();
    expect(f.audit().filter((entry) => entry["event"] === "not-queued")).toMatchObject([{ tag: "v2-again", who: "alice" }]);
  });

  it("queues nothing in a frozen environment, and the worker skips a job that was queued before it froze", async () => {
    const f = createDeployFixture();
    f.release("v1", "unhealthy\n");
    f.release("v2", "healthy\n");
    await push(f, ["refs/tags/v1"]);
    await f.work1();
    expect((await push(f, ["refs/tags/v2"])).lines).toEqual([
      'shipgate: v2 not queued: production is frozen (v1 failed and no other release passed verification here before: there is nothing to restore) — once it is fixed: shipgate unfreeze --env production --reason "..."',
    ]);
    await unfreeze(await f.target(), { env: "production", reason: "fixed", who: "ops" });
    await push(f, ["refs/tags/v2"]);
    const ledger = await f.target();
    const frozen = await ledger.ledger.write("frozen by hand", { reason: "maintenance window" });
    await ledger.ledger.apply([{ ref: "refs/shipgate/production/frozen", to: frozen, from: null }]);
    const records = await f.work1();
    expect(records.map((record) => [record.release.tag, record.verdict, record.exitCode])).toEqual([["v2", "skipped", 1]]);
    expect(f.calls()).toEqual(["deploy v1", "verify v1"]);
  });

  it("queues a branch push for an environment that follows the branch, and ignores refs no environment follows", async () => {
    const f = createDeployFixture(
      JSON.stringify({
        deploy: {
          environments: {
            staging: { trigger: { branches: ["main"] }, deployer: { type: "command", command: ["true"] } },
            production: { trigger: { tags: ["v*"] }, deployer: { type: "command", command: ["true"] } },
          },
        },
      }),
    );
    f.release("v1", "healthy\n");
    f.work.git("tag", "nightly-1");
    f.work.git("push", "-q", "origin", "refs/tags/nightly-1");
    const { lines } = await push(f, ["refs/heads/main", "refs/tags/nightly-1"]);
    expect(lines).toEqual(["shipgate: main queued for staging — follow with: shipgate status --env staging --follow"]);
    const records = await f.work1();
    expect(records.map((record) => [record.env, record.release.tag, record.release.ref, record.verdict])).toEqual([
      ["staging", "main", "refs/heads/main", "promoted"],
    ]);
  });
});

describe("webhook notifications", () => {
  /** A webhook on 127.0.0.1 answering `status`; status 0: its port is closed again before anything is sent. */
  async function webhook(status = 200): Promise<{ url: string; texts: string[] }> {
    const texts: string[] = [];
    const server: Server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      req.on("end", () => {
        texts.push((JSON.parse(body) as { text: string }).text);
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (status === 0) await new Promise<void>((resolve) => server.close(() => resolve()));
    else onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    return { url: `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}/hook`, texts };
  }

  it("tells a Slack-compatible webhook about the start, the promotion, the rollback and the freeze", async () => {
    const hook = await webhook();
    const f = createDeployFixture(deployConfig({ notify: { webhook: hook.url } }));
    f.release("v1", "healthy\n");
    f.release("v2", "unhealthy\n");
    f.release("v3", "healthy\n");
    await f.deploy("v1");
    await f.deploy("v2");
    writeFileSync(join(f.root, "outage"), "");
    const frozen = await f.deploy("v3");
    expect(hook.texts.map((text) => text.replace(/\d+(\.\d+)?(ms|s)\b/g, "N"))).toEqual([
      "shipgate: deploying v1 to production (by tester, cli)",
      "shipgate: v1 is live in production (verified in N)",
      "shipgate: deploying v2 to production (by tester, cli)",
      "shipgate: v2 failed in production; v1 restored in N (v2 failed verification: GET /health: expected 200, got 500)",
      "shipgate: deploying v3 to production (by tester, cli)",
      'shipgate: production is FROZEN: v1 was put back but failed its verification too: GET /health: connection refused. Nothing deploys there until: shipgate unfreeze --env production --reason "..."',
    ]);
    expect(frozen.notifications.map((sent) => [sent.event, sent.ok, sent.detail])).toEqual([
      ["start", true, "HTTP 200"],
      ["freeze", true, "HTTP 200"],
    ]);
  });

  it("records a webhook that fails and never fails the deploy because of it", async () => {
    const hook = await webhook(500);
    const f = createDeployFixture(deployConfig({ notify: { webhook: hook.url } }));
    f.release("v1", "healthy\n");
    const record = await f.deploy("v1");
    expect([record.verdict, record.exitCode]).toEqual(["promoted", 0]);
    expect(record.notifications.map((sent) => [sent.event, sent.ok, sent.detail])).toEqual([
      ["start", false, "HTTP 500"],
      ["promote", false, "HTTP 500"],
    ]);
    expect(
      f
        .audit()
        .filter((entry) => entry["event"] === "notify-failed")
        .map((entry) => entry["notify"]),
    ).toEqual(["start", "promote"]);
    const closed = await webhook(0); // a port that was just free: nothing listens there
    const unreachable = createDeployFixture(deployConfig({ notify: { webhook: closed.url } }));
    unreachable.release("v1", "healthy\n");
    const alone = await unreachable.deploy("v1");
    expect([alone.verdict, alone.notifications[0]?.ok, alone.notifications[0]?.detail]).toEqual(["promoted", false, expect.stringMatching(/ECONNREFUSED/)]);
  });
});
