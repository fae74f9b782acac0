import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createRepo, gitEnv, run, tempDir } from "@shipgate/test-utils";
import { ensureBuilt } from "@shipgate/test-utils/pack";
import { Ledger } from "../../packages/core/src/index.js";
import { readRecords, type DeployRecord } from "../../packages/deploy/src/index.js";
import { install } from "../server/fixture.js";
import { until } from "./engine-fixture.js";
import { createFixtureApp, type FixtureApp } from "./fixture.js";

beforeAll(() => ensureBuilt(), 300_000);

const P = "refs/shipgate/production";

interface Server {
  app: FixtureApp;
  remote: string;
  ledger: Ledger;
  /** Pushes refs as alice; returns the post-receive hook's lines once the worker the hook started is done. */
  push(...refspecs: string[]): Promise<string[]>;
  last(): Promise<DeployRecord | undefined>;
  refs(): Promise<Record<string, Record<string, unknown>>>;
}

/** The fixture app's repository pushing to a bare repository whose hooks `shipgate server install` wrote. */
async function server(): Promise<Server> {
  const app = await createFixtureApp();
  const remote = createRepo({ bare: true });
  const config = join(tempDir("shipgate-etc-"), "server.yml");
  // The smoke test waits (up to 10 s) for the restarted app to answer before it runs once: a command verifier has no
  // initial delay, and a smoke test racing the app's start would fail a healthy release.
  const waitThenSmoke = `for i in $(seq 100); do node -e 'fetch(process.argv[1]).then(()=>0,()=>process.exit(1))' ${app.baseUrl}/version && break; sleep 0.1; done; exec node smoke.mjs`;
  const verify = { window: 30, http: [app.health({ interval: 0.2, failures: 3, initialDelay: 1 })], commands: [app.smoke({ command: waitThenSmoke })] };
  writeFileSync(
    config,
    JSON.stringify({ server: { allowEmpty: true }, deploy: { environments: { production: { trigger: { tags: ["v*"] }, deployer: app.deployer(), verify } } } }),
  );
  install(remote.dir, config);
  app.repo.git("remote", "add", "origin", remote.dir);
  const ledger = Ledger.at(remote.dir, gitEnv());
  const busy = async () => [...(await ledger.read(`${P}/`)).keys()].some((ref) => /\/(queued|run|lock)$/.test(ref));
  return {
    app,
    remote: remote.dir,
    ledger,
    push: async (...refspecs) => {
      const result = run("git", ["push", "origin", ...refspecs], { cwd: app.repo.dir, env: gitEnv({ SHIPGATE_USER: "alice" }) });
      expect(result.code).toBe(0);
      // Awaited, not fired and forgotten: a ledger read still running after the test would hit a removed repository.
      await until(async () => !(await busy()));
      return result.stderr
        .split("\n")
        .filter((line) => line.startsWith("remote: shipgate: ") && !line.startsWith("remote: shipgate: checked "))
        .map((line) => line.slice("remote: ".length).trimEnd());
    },
    last: async () => (await readRecords(ledger, "production"))[0],
    refs: async () => Object.fromEntries([...(await ledger.read(`${P}/`)).values()].map((entry) => [entry.ref.slice(P.length + 1), entry.data])),
  };
}

const queued = (tag: string) => `shipgate: ${tag} queued for production — follow with: shipgate status --env production --follow`;

describe("pushing release tags to a server deploys them with release-dir and proves them over HTTP", () => {
  it("promotes v1 and v2, and puts v2 back after v3 (500), v4 (smoke test) and v5 (crash)", async () => {
    const s = await server();
    expect(await s.push("main", "v1")).toEqual([queued("v1")]);
    expect([await s.app.version(), (await s.last())?.verdict, (await s.last())?.exitCode]).toEqual(["v1", "promoted", 0]);
    expect(await s.push("v2")).toEqual([queued("v2")]);
    expect([await s.app.version(), (await s.last())?.verdict]).toEqual(["v2", "promoted"]);
    const failures: Record<string, RegExp> = { v3: /health: .*answered 500/, v4: /node smoke\.mjs: exited with code 1/, v5: /./ };
    for (const [tag, why] of Object.entries(failures)) {
      expect(await s.push(tag)).toEqual([queued(tag)]);
      const record = await s.last();
      expect([tag, record?.release.tag, record?.verdict, record?.exitCode, record?.restoreTarget?.tag, await s.app.version()]).toEqual([
        tag,
        tag,
        "restored",
        4,
        "v2",
        "v2",
      ]);
      expect(record?.failure).toMatch(why);
      expect(record?.timings.verdictToRestoreMs).toBeGreaterThanOrEqual(0);
    }
    const refs = await s.refs();
    expect([
      refs["current"]?.["tag"],
      refs["good"]?.["tag"],
      Object.keys(refs)
        .filter((ref) => ref.startsWith("bad/"))
        .sort(),
    ]).toEqual(["v2", "v2", ["bad/v3", "bad/v4", "bad/v5"]]);
    const audit = readFileSync(join(s.remote, "shipgate-deploy.jsonl"), "utf8")
      .split("\n")
      .filter((line) => line.includes('"finished"'));
    expect(audit.map((line) => (JSON.parse(line) as { tag: string; exitCode: number }).exitCode)).toEqual([0, 0, 4, 4, 4]);
    expect(await s.push(":refs/tags/v3")).toEqual([]);
    expect(await s.push("v3")).toEqual([
      `shipgate: v3 not queued: it is marked bad in production (${String(refs["bad/v3"]?.["reason"])}) — to deploy it anyway: shipgate deploy v3 --env production --allow-bad --reason "..."`,
    ]);
    expect(await s.app.version()).toBe("v2");
  }, 240_000);

  it("deploys only the newest of two tags pushed at once", async () => {
    const s = await server();
    expect(await s.push("main", "v1", "v2")).toEqual(["shipgate: v1 not queued for production: v2 in the same push replaces it", queued("v2")]);
    expect([await s.app.version(), (await readRecords(s.ledger, "production")).map((record) => [record.release.tag, record.verdict])]).toEqual([
      "v2",
      [["v2", "promoted"]],
    ]);
  }, 120_000);
});
