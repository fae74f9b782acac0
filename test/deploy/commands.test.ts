import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ExitCode } from "../../packages/core/src/index.js";
import { shipgate } from "../migrations/helpers.js";
import { createDeployFixture, deployConfig, until, type DeployFixture } from "./engine-fixture.js";

/** `shipgate <name> ...` through the CLI (which dispatches to the deploy plugin), run in the bare repository. */
function cli(f: DeployFixture, name: string, argv: string[]) {
  return shipgate(f.remote, [name, ...argv]);
}

describe("deploy commands", () => {
  it("status shows what serves, what is good, bad and frozen, as text and as JSON", async () => {
    const f = createDeployFixture();
    const v1 = f.release("v1", "healthy\n");
    const v2 = f.release("v2", "unhealthy\n");
    await f.deploy("v1");
    await f.deploy("v2");
    const text = await cli(f, "status", ["--env", "production"]);
    expect(text.code).toBe(0);
    expect(text.stdout.replace(/since \S+Z/, "since T")).toBe(
      [
        "production",
        `  current  v1 (${v1.slice(0, 12)})`,
        `  good     v1 (${v1.slice(0, 12)})`,
        `  bad      v2 (${v2.slice(0, 12)}) since T: v2 failed verification: GET /health: expected 200, got 500`,
        "",
      ].join("\n"),
    );
    const json = JSON.parse((await cli(f, "status", ["--env", "production", "--json"])).stdout);
    expect(json).toMatchObject({
      env: "production",
      current: { tag: "v1" },
      good: { tag: "v1" },
      frozen: null,
      lock: null,
      running: null,
      queued: null,
      bad: [{ key: "v2", tag: "v2" }],
    });
  });

  it("history lists every deploy of the environment, newest first, with verdicts, exit codes and timings", async () => {
    const f = createDeployFixture();
    f.release("v1", "healthy\n");
    f.release("v2", "unhealthy\n");
    await f.deploy("v1");
    await f.deploy("v2");
    const { code, stdout } = await cli(f, "history", ["--env", "production", "--json"]);
    expect(code).toBe(0);
    const records = JSON.parse(stdout) as { release: { tag: string }; verdict: string; exitCode: number; timings: Record<string, number> }[];
    expect(records.map((record) => [record.release.tag, record.verdict, record.exitCode])).toEqual([
      ["v2", "restored", 4],
      ["v1", "promoted", 0],
    ]);
    expect(Object.keys(records[0]!.timings).sort()).toEqual(["detectionMs", "restoreMs", "timeToRestoreMs", "verdictToRestoreMs", "verifyMs"]);
    expect((await cli(f, "history", ["--env", "production"])).stdout).toMatch(
      /v2 +restored +exit 4 +cli by tester detected in \d+\.\ds restored v1 in \d+\.\ds\n/,
    );
  });

  it("status --follow prints the running deploy's progress and exits with its exit code", async () => {
    const f = createDeployFixture();
    f.release("v1", "healthy\n");
    f.release("v2", "unhealthy\n");
    await f.deploy("v1");
    const target = await f.target();
    const { enqueue, newJobId } = await import("../../packages/deploy/src/index.js");
    const sha = f.remote.git("rev-parse", "v2^{commit}");
    await enqueue(target.ledger, {
      id: newJobId("production"),
      env: "production",
      kind: "deploy",
      release: { tag: "v2", sha, ref: "refs/tags/v2" },
      trigger: "push",
      who: "alice",
      queuedAt: new Date().toISOString(),
    });
    writeFileSync(join(f.root, "hold-deploy"), "");
    const worker = f.work1();
    await until(() => f.calls().includes("deploy v2"));
    const following = cli(f, "status", ["--env", "production", "--follow"]);
    rmSync(join(f.root, "hold-deploy"));
    const [followed] = await Promise.all([following, worker]);
    expect(followed.code).toBe(ExitCode.DeployRolledBack);
    const lines = followed.stdout.split("\n").map((line) => line.replace(/^\S+Z /, ""));
    expect(lines).toEqual(
      expect.arrayContaining(["restore: v1 (" + f.remote.git("rev-parse", "v1^{commit}").slice(0, 7) + ")", "shipgate: production v2: restored"]),
    );
    expect(lines.at(-2)).toBe(
      "shipgate: v2 in production: restored (exit 4) — v2 failed verification: GET /health: expected 200, got 500; v1 is back and passed verification",
    );
  });

  it("refuses bad input with a sentence that names the fix, and changes nothing", async () => {
    const f = createDeployFixture();
    f.release("v1", "unhealthy\n");
    await f.deploy("v1");
    const before = f.remote.git("for-each-ref");
    const cases: [string[], number, RegExp][] = [
      [["v1", "--env", "staging"], ExitCode.Usage, /unknown environment "staging": .* configures production/],
      [["v7", "--env", "production"], ExitCode.Usage, /there is no tag or branch named "v7"/],
      [["v1"], ExitCode.Usage, /deploy needs one tag and --env <name>/],
      [["v1", "--env", "production", "--allow-bad"], ExitCode.Usage, /--allow-bad needs --reason/],
      [["v1", "--env", "production", "--colour"], ExitCode.Usage, /unknown option '?--colour'?\n {2}Usage: shipgate deploy <tag>/i],
      [["v1", "--env", "production"], ExitCode.Blocked, /production is frozen .*\n {2}Fix what froze it, then: shipgate unfreeze --env production/],
    ];
    for (const [argv, code, message] of cases) {
      const result = await cli(f, "deploy", argv);
      expect([argv, result.code, result.stderr]).toEqual([argv, code, expect.stringMatching(message)]);
    }
    expect(f.remote.git("for-each-ref")).toBe(before);
  });

  it("refuses a config whose verify URL is not a URL, or whose deployer type is unknown, naming the key", async () => {
    const notUrl = createDeployFixture(deployConfig({ verify: { http: [{ url: "localhost:8080/health" }] } }));
    const result = await cli(notUrl, "status", ["--env", "production"]);
    expect([result.code, result.stderr]).toEqual([
      ExitCode.Usage,
      expect.stringContaining("deploy.environments.production.verify.http[0].url: expected an http:// or https:// URL"),
    ]);
    const unknownType = createDeployFixture(deployConfig({ deployer: { type: "kubernetes", manifest: "k8s.yml" } }));
    const typed = await cli(unknownType, "deploy", ["v1", "--env", "production"]);
    expect([typed.code, typed.stderr]).toEqual([
      ExitCode.Usage,
      expect.stringContaining("deploy.environments.production.deployer.type: expected a deployer type: release-dir or command"),
    ]);
  });

  it("unfreeze needs a reason, lets deploys run again, and says when there was nothing to unfreeze", async () => {
    const f = createDeployFixture();
    f.release("v1", "unhealthy\n");
    await f.deploy("v1");
    expect((await cli(f, "unfreeze", ["--env", "production"])).stderr).toMatch(/unfreeze needs --reason/);
    expect((await cli(f, "unfreeze", ["--env", "production", "--reason", "config fixed"])).stdout).toBe(
      "shipgate: production unfrozen; automatic deploys run again\n",
    );
    expect((await cli(f, "unfreeze", ["--env", "production", "--reason", "again"])).stdout).toBe("shipgate: production is not frozen; nothing to do\n");
    writeFileSync(f.configFile, "deploy: [1]\n");
    expect((await cli(f, "unfreeze", ["--env", "production", "--reason", "x"])).code).toBe(ExitCode.Usage);
  });
});
