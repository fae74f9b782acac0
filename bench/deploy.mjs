#!/usr/bin/env node
/**
 * Deploy trigger benchmark: what shipgate's post-receive hook adds to a push. Pushes one new release tag at a time to
 * a bare repository with no hooks and to one with the post-receive hook `shipgate server install` writes (the deploy
 * trigger queues the tag and starts a detached worker), interleaved; the difference of the medians is the overhead.
 * Also times the hook's parts: `node -e ''` and the trigger entry on the same input, spawned directly.
 * Target: under 100 ms added to a push.
 *
 * The environment's lock is held by this process during the pushes, so each worker the hook starts finds it taken
 * and leaves at once (a worker deploying in the background would only add noise to the next push).
 * Knobs: BENCH_RUNS (15), BENCH_WARMUP (2).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatMs, summarize, timeCommand } from "./lib/timing.mjs";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const WORK = join(ROOT, ".bench-work", "deploy");
const SHIPGATE = join(ROOT, "packages", "cli", "bin.js");
const DEPLOY_BIN = join(ROOT, "packages", "deploy", "bin.js");
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const ENV = {
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("GIT_"))),
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_AUTHOR_NAME: "bench",
  GIT_AUTHOR_EMAIL: "bench@example.com",
  GIT_COMMITTER_NAME: "bench",
  GIT_COMMITTER_EMAIL: "bench@example.com",
};
const log = (line) => process.stderr.write(`[deploy] ${line}\n`);
const git = (cwd, args, input) => execFileSync("git", args, { cwd, env: ENV, input, encoding: "utf8" }).trim();

if (!existsSync(join(ROOT, "packages", "deploy", "dist", "hook.js"))) {
  console.error("build first: pnpm build");
  process.exit(2);
}
const { Ledger, acquireLock, releaseLock } = await importBuilt();

rmSync(WORK, { recursive: true, force: true });
mkdirSync(WORK, { recursive: true });
const work = join(WORK, "work");
git(WORK, ["init", "-q", "-b", "main", work]);
git(work, ["commit", "-q", "--allow-empty", "-m", "chore: start"]);
const plain = join(WORK, "plain.git");
const hooked = join(WORK, "hooked.git");
for (const bare of [plain, hooked]) git(WORK, ["init", "-q", "--bare", bare]);
const config = join(WORK, "server.yml");
writeFileSync(
  config,
  `server: { allowEmpty: true }\ndeploy:\n  environments:\n    production:\n      trigger: { tags: ["v*"] }\n      deployer: { type: command, command: ["true"] }\n`,
);
execFileSync(process.execPath, [SHIPGATE, "server", "install", hooked, "--config", config], { env: ENV, stdio: "ignore" });
// The pre-receive checker is another benchmark's subject (bench/server.mjs); here only post-receive runs.
rmSync(join(hooked, "hooks", "pre-receive"));
for (const bare of [plain, hooked]) git(work, ["push", "-q", bare, "main"]);

const ledger = Ledger.at(hooked, ENV);
const lock = await acquireLock(ledger, "production", { owner: "bench", purpose: "holding the lock", leaseSeconds: 3600 });
if (!lock.ok) throw new Error("could not take the lock");

const samples = { plain: [], hooked: [], node: [], trigger: [], nodeCpu: [], triggerCpu: [] };
// CPU time (user + sys, git children included) says what the hook costs whatever else the machine is doing.
const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : null;
const cpu = (args, options) => {
  const { result } = timeCommand(TIME, ["-f", "cpu %U %S", ...args], options);
  const [, user, sys] = /cpu (\S+) (\S+)\s*$/.exec(result.stderr) ?? [];
  return (Number(user) + Number(sys)) * 1000;
};
let n = 0;
for (let run = 0; run < WARMUP + RUNS; run++) {
  const measured = run >= WARMUP;
  for (const [name, bare] of run % 2 === 0
    ? [
        ["plain", plain],
        ["hooked", hooked],
      ]
    : [
        ["hooked", hooked],
        ["plain", plain],
      ]) {
    const tag = `v${++n}`;
    git(work, ["tag", tag]);
    const { ms, result } = timeCommand("git", ["push", "-q", bare, `refs/tags/${tag}`], { cwd: work, env: ENV });
    if (name === "hooked" && !result.stderr.includes(`shipgate: ${tag} queued for production`))
      throw new Error(`the hook did not queue ${tag}:\n${result.stderr}`);
    if (measured) samples[name].push(ms);
  }
  const input = `${"0".repeat(40)} ${git(work, ["rev-parse", `v${n}`])} refs/tags/v${n}\n`;
  const node = timeCommand(process.execPath, ["-e", ""], { env: ENV });
  const trigger = timeCommand(process.execPath, [DEPLOY_BIN, "post-receive", "--config", config], { cwd: hooked, env: { ...ENV, GIT_DIR: "." }, input });
  if (measured) {
    samples.node.push(node.ms);
    samples.trigger.push(trigger.ms);
    if (TIME !== null) {
      samples.nodeCpu.push(cpu([process.execPath, "-e", ""], { env: ENV }));
      samples.triggerCpu.push(cpu([process.execPath, DEPLOY_BIN, "post-receive", "--config", config], { cwd: hooked, env: { ...ENV, GIT_DIR: "." }, input }));
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 150)); // let the worker the hook started find the lock taken and leave
}
await releaseLock(ledger, lock.lock);

const plainPush = summarize(samples.plain);
const hookedPush = summarize(samples.hooked);
const rows = [
  ["push of one tag, no hooks", plainPush],
  ["push of one tag, shipgate post-receive", hookedPush],
  ["node -e '' (process start alone)", summarize(samples.node)],
  ["shipgate-deploy post-receive, spawned", summarize(samples.trigger)],
];
console.log(`\n${"".padEnd(44)}${"median".padStart(10)}${"p90".padStart(10)}`);
for (const [label, s] of rows) console.log(`${label.padEnd(44)}${formatMs(s.median).padStart(10)}${formatMs(s.p90).padStart(10)}`);
if (TIME !== null) {
  rows.length = 0;
  rows.push(["CPU: node -e ''", summarize(samples.nodeCpu)], ["CPU: shipgate-deploy post-receive (with git calls)", summarize(samples.triggerCpu)]);
  for (const [label, s] of rows) console.log(`${label.padEnd(44)}${formatMs(s.median).padStart(10)}${formatMs(s.p90).padStart(10)}`);
}
const added = hookedPush.median - plainPush.median;
console.log(`\npost-receive adds ${formatMs(added)} to a push (median; target under 100 ms), ${RUNS} runs each`);

async function importBuilt() {
  const core = await import(join(ROOT, "packages", "core", "dist", "index.js"));
  const deploy = await import(join(ROOT, "packages", "deploy", "dist", "index.js"));
  return { Ledger: core.Ledger, acquireLock: deploy.acquireLock, releaseLock: deploy.releaseLock };
}
