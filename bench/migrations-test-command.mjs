#!/usr/bin/env node
// `pnpm bench migrations-test-command`: what running the previous release's test command through execa costs, next to
// child_process.spawn, and why the whole process group is stopped (docs/decisions/0004-execa-for-external-commands.md).
// Needs `pnpm build` first. Prints figures; never asserts on time.
import { spawn, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { formatMs, summarize } from "./lib/timing.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const execaPath = join(root, "packages/migrations/node_modules/execa/index.js");
const { execa } = await import(execaPath);
const { stopProcessGroup, processGroupOf } = await import(join(root, "packages/migrations/dist/dynamic/process-group.js"));
const SAMPLES = Number(process.env.BENCH_RUNS ?? 100);

const viaSpawn = () =>
  new Promise((resolve) => {
    const child = spawn("true", [], { detached: true, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.resume();
    child.stderr.resume();
    child.on("close", resolve);
  });
// The options of packages/migrations/src/dynamic/test-command.ts.
const viaExeca = () => {
  const subprocess = execa("true", [], { detached: true, stdin: "ignore", all: true, buffer: false, reject: false, forceKillAfterDelay: 2000 });
  subprocess.all?.resume();
  return subprocess;
};

const samples = { spawn: [], execa: [] };
for (let i = 0; i < SAMPLES + 10; i++) {
  for (const [name, run] of [
    ["spawn", viaSpawn],
    ["execa", viaExeca],
  ]) {
    const start = performance.now();
    await run();
    if (i >= 10) samples[name].push(performance.now() - start); // 10 warm-up rounds
  }
}

const importMs = [];
for (let i = 0; i < 5; i++) {
  const empty = time(() => spawnSync(process.execPath, ["--input-type=module", "-e", ""]));
  const withExeca = time(() => spawnSync(process.execPath, ["--input-type=module", "-e", `await import(${JSON.stringify(execaPath)})`]));
  importMs.push(withExeca - empty);
}

/** Cancels `sh -c "sleep 1000 & wait"` after 200 ms; returns ms from the cancel until the run returned (capped). */
async function cancelTree(stopGroup) {
  const controller = new AbortController();
  const subprocess = execa("sh", ["-c", "sleep 1000 & wait"], {
    detached: true,
    stdin: "ignore",
    all: true,
    buffer: false,
    reject: false,
    cancelSignal: controller.signal,
  });
  subprocess.all?.resume();
  const group = processGroupOf(subprocess.pid);
  const settled = subprocess.then(() => undefined);
  await sleep(200);
  const start = performance.now();
  controller.abort();
  if (stopGroup) await stopProcessGroup(group, settled);
  const returned = await Promise.race([settled.then(() => true), sleep(3000).then(() => false)]);
  const ms = performance.now() - start;
  if (!returned) await stopProcessGroup(group, settled); // do not leave the sleep behind
  return returned ? formatMs(ms) : `not returned after ${formatMs(ms)} (the orphaned sleep holds the output pipe)`;
}

const row = (name, s) => `| ${name} | ${formatMs(s.median)} | ${formatMs(s.p90)} |`;
console.log(`${SAMPLES} sequential runs of \`true\` each, interleaved:\n`);
console.log("| runner | median | p90 |\n|---|---|---|");
console.log(row("child_process.spawn, detached, output piped", summarize(samples.spawn)));
console.log(row("execa, the test command's options", summarize(samples.execa)));
const imports = summarize(importMs);
console.log(`\nimport("execa") in a fresh node, minus an empty node (5 runs): median ${formatMs(imports.median)}, max ${formatMs(imports.max)}`);
console.log(`cancel of \`sleep 1000 & wait\` with execa's cancelSignal alone: ${await cancelTree(false)}`);
console.log(`cancel of \`sleep 1000 & wait\` with the process group stopped too: ${await cancelTree(true)}`);

function time(fn) {
  const start = performance.now();
  fn();
  return performance.now() - start;
}
