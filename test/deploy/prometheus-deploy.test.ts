/**
 * End to end: the deploy engine deploys a real app with release-dir, a real Prometheus scrapes it every second, and the
 * prometheus verifier decides: a release whose error ratio stays low is promoted, one that starts failing is rolled back.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it, onTestFinished } from "vitest";
import { tempDir } from "@shipgate/test-utils";
import { freePort } from "@shipgate/test-utils/servers";
import { ExitCode } from "../../packages/core/src/index.js";
import { defaultSteps } from "../../packages/deploy/src/index.js";
import { createDeployFixture, deployConfig } from "./engine-fixture.js";
import { FIXTURE_RESTART } from "./fixture.js";
import { every, startPrometheus } from "./prometheus-fixture.js";

const APP = fileURLToPath(new URL("./fixture-prometheus/server.mjs", import.meta.url));
const ERROR_RATIO =
  'sum(rate(http_requests_total{code=~"5..",job="app",version="{{tag}}"}[5s])) / sum(rate(http_requests_total{job="app",version="{{tag}}"}[5s]))';

describe("deploying with a prometheus verifier", () => {
  it("promotes a release whose error ratio stays low, and rolls back one that starts failing requests", async () => {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const prometheus = await startPrometheus([`127.0.0.1:${port}`]);
    const root = tempDir("shipgate-deploy-root-");
    mkdirSync(join(root, "shared"));
    writeFileSync(join(root, "shared", ".env"), `PORT=${port}\n`);
    onTestFinished(() => {
      try {
        process.kill(Number(readFileSync(join(root, "shared", "app.pid"), "utf8")), "SIGKILL");
      } catch {
        // never started, or gone
      }
    });
    const deployer = { type: "release-dir", root, shared: [".env"], restart: ["sh", FIXTURE_RESTART], timeout: 30 };
    const verify = {
      window: 60,
      // The health check passes every release here: only the error ratio tells v2 apart.
      http: [{ url: `${baseUrl}/health`, interval: 0.2, successes: 2 }],
      prometheus: [{ name: "error ratio", url: prometheus.url, query: ERROR_RATIO, failIf: "> 0.05", interval: 0.5, successes: 8 }],
    };
    const f = createDeployFixture(deployConfig({ deployer, verify }));
    const release = (tag: string, errorsAfter: number | null) => {
      const files = { "server.mjs": readFileSync(APP), "app.json": JSON.stringify({ version: tag, errorsAfter }), ".env": "PORT=1\n" };
      f.work.commit(`feat: ${tag}`, files);
      f.work.git("tag", "-a", tag, "-m", tag);
      f.work.git("push", "-q", "origin", "main", `refs/tags/${tag}`);
    };
    release("v1", null);
    release("v2", 1); // answers 500 to every request from one second after it starts
    every(25, async () => void (await fetch(baseUrl, { headers: { connection: "close" } })).body?.cancel());
    const deploy = (tag: string) => f.deploy(tag, { steps: defaultSteps });

    const v1 = await deploy("v1");
    expect([v1.verdict, v1.exitCode]).toEqual(["promoted", ExitCode.Pass]);

    const v2 = await deploy("v2");
    expect([v2.verdict, v2.exitCode, v2.restoreTarget?.tag]).toEqual(["restored", ExitCode.DeployRolledBack, "v1"]);
    expect(v2.failure).toMatch(/prometheus error ratio: 1 consecutive results were bad; the last one: [\d.]+ \{\} \(failIf > 0\.05: bad\)$/);
    expect(v2.timings.detectionMs).toBeGreaterThanOrEqual(0);
    const verifying = v2.steps.find((step) => step.state === "verifying");
    expect(verifying?.output).toContain(`== prometheus error ratio\nquery: ${ERROR_RATIO.replaceAll("{{tag}}", "v2")}\n`);
    expect(await (await fetch(`${baseUrl}/version`)).text()).toBe("v1");
    const ledger = await f.ledger();
    expect([ledger["refs/shipgate/production/good"]?.["tag"], ledger["refs/shipgate/production/bad/v2"] !== undefined]).toEqual(["v1", true]);
  }, 180_000);

  it("refuses a release before deploying it when Prometheus rejects the query, and marks nothing bad", async () => {
    const prometheus = await startPrometheus([]);
    const marker = join(tempDir(), "deployed");
    const verify = { window: 10, prometheus: [{ name: "typo", url: prometheus.url, query: "sum(rate(http_requests_total[1m])", failIf: "> 0.05" }] };
    const f = createDeployFixture(deployConfig({ deployer: { type: "command", command: ["sh", "-c", `touch '${marker}'`] }, verify }));
    f.work.commit("feat: v1", { "a.txt": "1\n" });
    f.work.git("tag", "-a", "v1", "-m", "v1");
    f.work.git("push", "-q", "origin", "main", "refs/tags/v1");
    const v1 = await f.deploy("v1", { steps: defaultSteps });
    expect([v1.verdict, v1.exitCode]).toEqual(["refused", ExitCode.Blocked]);
    expect(v1.reason).toMatch(
      /^v1 was not deployed: a verifier would fail whatever the release does \(prometheus typo: Prometheus rejected the query \(bad_data\)/,
    );
    expect(existsSync(marker)).toBe(false);
    const ledger = await f.ledger();
    expect(Object.keys(ledger).filter((ref) => ref.includes("/bad/") || ref.endsWith("/good"))).toEqual([]);
  }, 120_000);
});
