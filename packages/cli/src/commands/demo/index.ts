/**
 * `shipgate demo`: the whole path in throwaway directories on loopback. The client hooks refuse and fix commits, the
 * server's pre-receive refuses what skipped them, the deploy's gate refuses a migration that breaks the running
 * release, release tags deploy through the post-receive trigger, and a release that fails verification is replaced by
 * the last good one on its own. `--hooks-only` stops after the client hooks.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { colourEnabled, createStyle } from "@shipgate/core";
import { Ledger, ledgerRefs } from "@shipgate/core/ledger";
import type { Command } from "../../io.js";
import { parse } from "../../args.js";
import { RESTART_SH } from "./app.js";
import { deployRoot, deploySteps } from "./deploy.js";
import { createDemoRepo, hookSteps } from "./hooks.js";
import { stopProcesses } from "./processes.js";
import { serverSteps, writeServerConfig, type DeployTarget } from "./server.js";
import { cliDir, createShell } from "./shell.js";
import { runSteps, type Step } from "./step.js";

const USAGE = "shipgate demo [--hooks-only] [--keep]";

const demo: Command = async (argv, io) => {
  const { values } = parse(
    argv,
    {
      "hooks-only": { type: "boolean", description: "only the client hooks (a few seconds), not the server, gate and deploy" },
      keep: { type: "boolean", description: "keep the throwaway directories to look around" },
    },
    USAGE,
  );
  const s = createStyle(colourEnabled(io.stdout, io.env));
  const out = { write: (text: string) => io.stdout.write(text), style: s };
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const root = mkdtempSync(join(tmpdir(), "shipgate-demo-"));
  const started = performance.now();
  let failures = 0;
  try {
    const shell = createShell(io.env, controller.signal);
    const server = join(root, "server.git");
    await shell.run("git", ["init", "-q", "--bare", server], { cwd: root, timeoutMs: 30_000 });
    const repo = await createDemoRepo(root, server, shell);
    out.write(`${s.bold("shipgate demo")}: throwaway repositories under ${root}, the recommended preset and shipgate's real hooks.\n`);
    const stopped = () => controller.signal.aborted;
    failures += await runSteps(hookSteps(repo), out, stopped, false);
    if (values["hooks-only"] !== true && !stopped()) {
      const missing = (pkg: string) => !installed(pkg);
      if (missing("@shipgate/server")) out.write(`\n${skipped("the server, gate and deploy steps", "@shipgate/server")}\n`);
      else {
        const target = missing("@shipgate/deploy") ? null : await deployTarget(root, !missing("@shipgate/migrations"));
        if (target === null) out.write(`\n${skipped("the gate and deploy steps", "@shipgate/deploy")}\n`);
        else if (!target.gate) out.write(`\n${skipped("the release gate step", "@shipgate/migrations")}\n`);
        const config = join(root, "server.yml");
        writeServerConfig(config, target);
        const steps: Step[] = serverSteps(repo, server, config, shell);
        if (target !== null) steps.push(...deploySteps({ repo, shell, server, port: target.port, gate: target.gate }));
        failures += await runSteps(steps, out, stopped, true);
      }
    }
    if (controller.signal.aborted) {
      out.write(`\n${s.red("Stopped: the demo's processes are stopped and its directories removed.")}\n`);
      failures++;
    } else {
      const seconds = ((performance.now() - started) / 1000).toFixed(0);
      out.write(`\n${failures === 0 ? s.green(`Every gate behaved as expected (${seconds}s).`) : s.red(`${failures} step(s) did not behave as expected.`)}\n`);
    }
  } finally {
    await stopProcesses(root, await recordedPids(root, io.env));
    process.removeListener("SIGINT", stop);
    process.removeListener("SIGTERM", stop);
    if (values.keep === true && !controller.signal.aborted) io.stdout.write(`The directories are kept at ${root}.\n`);
    else rmSync(root, { recursive: true, force: true });
  }
  if (controller.signal.aborted) return 130;
  return failures === 0 ? 0 : 1;
};

/** The deploy root with its shared .env (a free loopback port) and the restart script the deployer runs. */
async function deployTarget(root: string, gate: boolean): Promise<DeployTarget> {
  const dir = deployRoot(root);
  const port = await freePort();
  mkdirSync(join(dir, "shared"), { recursive: true });
  writeFileSync(join(dir, "shared", ".env"), `PORT=${port}\n`);
  const restart = join(root, "restart.sh");
  writeFileSync(restart, RESTART_SH, { mode: 0o755 });
  return { root: dir, port, restart, gate };
}

/** The app's pid (its restart script writes it) and the pid of the worker holding the deploy lock, where there are. */
async function recordedPids(root: string, env: NodeJS.ProcessEnv): Promise<number[]> {
  const pids: unknown[] = [];
  try {
    pids.push(Number(readFileSync(join(deployRoot(root), "shared", "app.pid"), "utf8")));
  } catch {
    // no app was started
  }
  try {
    const lock = await Ledger.at(join(root, "server.git"), env).entry(ledgerRefs("production").lock);
    pids.push(lock?.data["pid"]);
  } catch {
    // no server repository, or no deploy running
  }
  return pids.filter((pid): pid is number => typeof pid === "number" && Number.isInteger(pid) && pid > 0);
}

function installed(pkg: string): boolean {
  try {
    createRequire(join(cliDir(), "package.json")).resolve(`${pkg}/package.json`);
    return true;
  } catch {
    return false;
  }
}

function skipped(what: string, pkg: string): string {
  return `Skipped ${what}: they need ${pkg}, which is not installed beside shipgate (npm install -D ${pkg}).`;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no free port on 127.0.0.1");
  return address.port;
}

export default demo;
