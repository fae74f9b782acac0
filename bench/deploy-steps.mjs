#!/usr/bin/env node
// `pnpm bench deploy-steps`: the deploy package's steps on their own. The command runner (execa, own process group, one
// output file) against a bare child_process spawn; the time to kill a process tree on timeout; a release-dir deploy
// against a restore of a kept release until the app serves again; and how long the http verifier takes to fail a 500
// against its configured interval x failures. Needs `pnpm build` first. Prints figures; never asserts on time.
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatMs, formatRatio, summarize } from "./lib/timing.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const work = join(root, ".bench-work", "deploy-steps");
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const dist = (path) => import(join(root, "packages/deploy/dist", path));
const { runCommand } = await dist("process.js");
const { createDeployer } = await dist("deployers/index.js");
const { createHttpVerifier, runVerification } = await dist("verifiers/index.js");
const now = () => performance.now();
const show = (label, samples) => {
  const s = summarize(samples);
  console.log(`${label.padEnd(58)} median ${formatMs(s.median).padStart(9)}   p90 ${formatMs(s.p90).padStart(9)}   (${s.runs} runs)`);
  return s;
};

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

// 1. Runner overhead: `true` through runCommand vs a bare spawn, interleaved.
const ours = [];
const bare = [];
for (let i = 0; i < RUNS + 2; i++) {
  let start = now();
  await runCommand(["true"], { cwd: work, timeoutMs: 10_000, outputLimit: 65536 });
  if (i >= 2) ours.push(now() - start);
  start = now();
  await new Promise((resolve) => spawn("true", [], { cwd: work, stdio: "ignore" }).on("close", resolve));
  if (i >= 2) bare.push(now() - start);
}
console.log("\n-- command runner --");
const o = show("runCommand(['true']): group, env, output file", ours);
const b = show("child_process.spawn('true'), nothing captured", bare);
console.log(`ratio runner / bare spawn: ${formatRatio(o.median / b.median)} (+${formatMs(o.median - b.median)} per command)`);
const importCost = [];
for (let i = 0; i < 7; i++) {
  const script = "const t = performance.now(); await import('execa'); console.log(performance.now() - t)";
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: join(root, "packages/deploy"), encoding: "utf8" });
  importCost.push(Number(result.stdout));
}
show("import('execa') in a fresh node, timed inside it", importCost);

// 2. Tree kill: a timeout of 200 ms on `sleep 1000 & wait`, until runCommand returns with the group gone.
const kill = [];
for (let i = 0; i < 5; i++) {
  const start = now();
  const result = await runCommand("sleep 1000 & wait", { cwd: work, timeoutMs: 200, outputLimit: 1000 });
  if (!result.timedOut) throw new Error("expected a timeout");
  kill.push(now() - start - 200);
}
console.log("\n-- tree kill --");
show("timeout fired -> runCommand returned, tree killed", kill);

// 3. release-dir: deploy of a new release vs restore of a kept one, each until the app serves the expected version.
const appDir = join(root, "test/deploy/fixture-app/app");
const repo = join(work, "repo");
mkdirSync(repo);
const git = (...args) => {
  const result = spawnSync("git", args, { cwd: repo, encoding: "utf8", env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" } });
  if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
  return result.stdout.trim();
};
git("init", "-q");
git("config", "user.email", "bench@example.com");
git("config", "user.name", "bench");
const releases = [];
for (let i = 1; i <= RUNS + 1; i++) {
  for (const file of ["server.mjs", "smoke.mjs"]) copyFileSync(join(appDir, file), join(repo, file));
  writeFileSync(join(repo, "app.json"), JSON.stringify({ version: `r${i}`, health: 200, greeting: "hello" }));
  writeFileSync(join(repo, ".env"), "PORT=1\n");
  git("add", "-A");
  git("commit", "-q", "-m", `release r${i}`);
  releases.push({ tag: `r${i}`, sha: git("rev-parse", "HEAD") });
}
const deployRoot = join(work, "root");
const port = await freePort();
mkdirSync(join(deployRoot, "shared"), { recursive: true });
writeFileSync(join(deployRoot, "shared", ".env"), `PORT=${port}\n`);
const restart = ["sh", join(root, "test/deploy/fixture-app/restart.sh")];
const deployer = createDeployer({ type: "release-dir", root: deployRoot, shared: [".env"], build: [], restart, keep: RUNS + 5, timeout: 60 });
const request = (release) => ({
  env: "bench",
  gitDir: join(repo, ".git"),
  signal: new AbortController().signal,
  log: () => {},
  outputLimit: 65536,
  release,
  previous: null,
  lastGood: null,
});
const serving = async (version) => {
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/version`, { headers: { connection: "close" } });
      if ((await response.text()) === version) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};
const deploys = [];
const restores = [];
try {
  await deployer.deploy(request(releases[0]));
  await serving("r1");
  for (let i = 1; i <= RUNS; i++) {
    let start = now();
    if (!(await deployer.deploy(request(releases[i]))).ok) throw new Error("deploy failed");
    await serving(`r${i + 1}`);
    deploys.push(now() - start);
    start = now();
    if (!(await deployer.restore(request(releases[i - 1]))).ok) throw new Error("restore failed");
    await serving(`r${i}`);
    restores.push(now() - start);
  }
} finally {
  spawnSync("sh", ["-c", `kill "$(cat "${join(deployRoot, "shared", "app.pid")}")" 2>/dev/null || true`]);
}
console.log("\n-- release-dir (fixture app, no build steps), until the new version answers over HTTP --");
const d = show("deploy a new release: archive, extract, link, swap, restart", deploys);
const r = show("restore a kept release: swap, restart", restores);
console.log(`ratio restore / deploy: ${formatRatio(r.median / d.median)}`);

// 4. Detection: an endpoint answering 500, probed every 0.1 s, failing after 3 consecutive failures.
const failing = createServer((_, response) => response.writeHead(500).end("down"));
await new Promise((resolve) => failing.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${failing.address().port}/health`;
const detections = [];
const verdicts = [];
for (let i = 0; i < 5; i++) {
  const start = now();
  const settings = { url, status: 200, interval: 0.1, successes: 3, failures: 3, initialDelay: 0, timeout: 1 };
  const outcome = await runVerification([createHttpVerifier(settings)], request(releases[0]), 60);
  if (outcome.ok || outcome.probes !== 3) throw new Error(`unexpected verdict: ${outcome.reason}`);
  detections.push(outcome.detectionMs);
  verdicts.push(now() - start);
}
failing.close();
console.log("\n-- http verifier on a 500 (interval 0.1 s, failures 3: first probe at 0, verdict after the third at 0.2 s) --");
show("detectionMs recorded (first failing probe -> verdict)", detections);
show("runVerification start -> failed outcome", verdicts);
rmSync(work, { recursive: true, force: true });

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}
