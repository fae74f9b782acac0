/** `shipgate demo` run for real, as a process of the built CLI: what each step came to, and what it leaves behind. */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { SHIPGATE_BIN, tempDir } from "@shipgate/test-utils";
import { ensureBuilt, installTarballs } from "@shipgate/test-utils/pack";

beforeAll(() => ensureBuilt(), 300_000);

interface Run {
  code: number | null;
  output: string;
  /** Each step's title (up to the first two words that name it) and the verdict line printed under it. */
  steps: [string, string][];
}

/** Starts the demo with its own TMPDIR, so what it leaves there (directories, processes) belongs to this test only. */
function startDemo(tmp: string, args: string[] = [], bin = SHIPGATE_BIN) {
  const env: NodeJS.ProcessEnv = { NO_COLOR: "1" };
  // Not NODE_PATH either: `pnpm exec` points it at the workspace's packages, which an installed shipgate must not see.
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("GIT_") && !key.startsWith("SHIPGATE") && key !== "NODE_PATH") env[key] = value;
  env["TMPDIR"] = tmp;
  const child = spawn(process.execPath, [bin, "demo", ...args], { cwd: tmp, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const done = new Promise<Run>((resolve) => child.on("close", (code) => resolve({ code, output, steps: steps(output) })));
  return { child, done, output: () => output };
}

function steps(output: string): [string, string][] {
  const found: [string, string][] = [];
  let title: string | null = null;
  for (const line of output.split("\n")) {
    if (line.startsWith("▶ ")) title = line.slice(2);
    else if (title !== null && /^ {2}[✔✖] /.test(line)) {
      found.push([title, line.trim()]);
      title = null;
    }
  }
  return found;
}

/** Processes whose command line or working directory lies under `dir` (Linux: /proc). */
function processesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ");
      let cwd = "";
      try {
        cwd = readlinkSync(`/proc/${entry}/cwd`);
      } catch {
        // not ours to read
      }
      if (cmdline.includes(dir) || cwd.includes(dir)) found.push(`${entry}: ${cmdline} (in ${cwd})`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

const HOOK_STEPS: [string, string][] = [
  ['git commit -m "added stuff"', "refused"],
  ['git commit -m "feat: add the demo"', "accepted"],
  ["commit a config file holding an AWS access key", "refused"],
  ["commit a badly formatted file", "accepted"],
  ["push a commit that skipped the client hook", "refused"],
];

/** Each step's title start and the verdict it must come to, every one "as it should be". */
const expectSteps = (run: Run, expected: [string, string][]) => {
  expect(run.steps.map(([title, verdict]) => [expected.find(([start]) => title.startsWith(start))?.[0] ?? title, verdict])).toEqual(
    expected.map(([start, outcome]) => [start, `✔ ${outcome}, as it should be`]),
  );
};

describe("shipgate demo", () => {
  it("walks the whole path: each gate refuses or accepts, the bad release is rolled back, and nothing is left behind", async () => {
    const tmp = tempDir("shipgate-demo-test-");
    const run = await startDemo(tmp).done;
    expectSteps(run, [
      ...HOOK_STEPS,
      ["shipgate server install", "accepted"],
      ["git push --no-verify origin main", "refused"],
      ["drop the .env commit", "accepted"],
      ["release v1", "promoted"],
      ["release v2 drops users.email", "refused by the gate"],
      ["release v3, fixed", "promoted"],
      ["release v4 answers 500", "rolled back to v3"],
    ]);
    // What the server, the gate and the deploy really said, not only the demo's judgement of it.
    expect(run.output).toMatch(/remote: error \[forbidden-paths\] \.env commit/);
    expect(run.output).toMatch(/\[drop-column\] drops column users\.email/);
    const port = /starts the app on 127\.0\.0\.1:(\d+)/.exec(run.output)?.[1];
    const answers = [...run.output.matchAll(/the app on 127\.0\.0\.1:\d+ answers: (.*)/g)].map((match) => match[1]);
    expect(answers).toEqual(["200 hello from v1", "200 hello from v1", "200 hello from v3", "200 hello from v3"]);
    expect(run.output).toMatch(/deploy +v4 +restored +exit 4 +push by demo detected in \d+\.\ds restored v3 in \d+\.\ds/);
    expect(run.output).toMatch(/deploy +v2 +refused +exit 1/);
    expect(run.output).toMatch(/Every gate behaved as expected \(\d+s\)\.\n$/);
    expect(run.code).toBe(0);
    expect(readdirSync(tmp)).toEqual([]);
    expect(processesUnder(tmp)).toEqual([]);
    await expect(fetch(`http://127.0.0.1:${port ?? "0"}/greeting`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
  }, 300_000);

  it("stops the deploy worker and the app it started and removes its directories when interrupted during a deploy", async () => {
    const tmp = tempDir("shipgate-demo-test-");
    const demo = startDemo(tmp);
    // v1 is up and v2's deploy is running: the app and a worker the post-receive hook detached both run.
    for (let i = 0; i < 1200 && !(demo.output().includes("▶ release v2") && processesUnder(tmp).some((p) => p.includes("worker --once"))); i++)
      await delay(100);
    expect(processesUnder(tmp).filter((p) => p.includes("worker --once") || p.includes("server.mjs"))).toHaveLength(2);
    demo.child.kill("SIGINT");
    const run = await demo.done;
    expect(run.steps.at(-1)?.[1]).toBe("✖ stopped, expected refused by the gate");
    expect(run.output).toContain("Stopped: the demo's processes are stopped and its directories removed.");
    expect(run.code).toBe(130);
    expect(readdirSync(tmp)).toEqual([]);
    expect(processesUnder(tmp)).toEqual([]);
  }, 300_000);

  it("with --hooks-only shows the client hooks and nothing of the server", async () => {
    const tmp = tempDir("shipgate-demo-test-");
    const run = await startDemo(tmp, ["--hooks-only"]).done;
    expectSteps(run, HOOK_STEPS);
    expect(run.code).toBe(0);
    expect(readdirSync(tmp)).toEqual([]);
  }, 120_000);

  it("installed without @shipgate/deploy, runs the server steps and names the package the deploy steps need", async () => {
    const project = tempDir("shipgate-demo-install-");
    await installTarballs(project, ["shipgate"]);
    rmSync(join(project, "node_modules", "@shipgate", "deploy"), { recursive: true });
    const tmp = tempDir("shipgate-demo-test-");
    const run = await startDemo(tmp, [], join(project, "node_modules", "shipgate", "bin.cjs")).done;
    expect(run.output).toContain("Skipped the gate and deploy steps: @shipgate/deploy is not installed beside shipgate (npm install -D @shipgate/deploy).");
    expect(run.output).not.toMatch(/^\s+at /m);
    // No prettier in this project: the demo drops the refused file instead of showing the formatter at work.
    const hooks = HOOK_STEPS.map((step): [string, string] =>
      step[0].startsWith("commit a badly") ? ["drop the config file that was refused", "accepted"] : step,
    );
    expectSteps(run, [
      ...hooks,
      ["shipgate server install", "accepted"],
      ["git push --no-verify origin main", "refused"],
      ["drop the .env commit", "accepted"],
    ]);
    expect(run.code).toBe(0);
    expect(readdirSync(tmp)).toEqual([]);
  }, 600_000);
});
