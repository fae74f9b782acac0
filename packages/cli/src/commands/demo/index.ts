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
import { messages } from "../../messages.js";
import { RESTART_SH } from "./app.js";
import { deployRoot, deploySteps } from "./deploy.js";
import { createDemoRepo, hookSteps, type DemoRepo } from "./hooks.js";
import { stopProcesses } from "./processes.js";
import { serverSteps, writeServerConfig, type DeployTarget } from "./server.js";
import { cliDir, createShell, type Shell } from "./shell.js";
import { runSteps, type Printer, type Step } from "./step.js";

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
  let signal: NodeJS.Signals | null = null;
  const stop = (received: NodeJS.Signals) => {
    signal ??= received;
    controller.abort();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const stopped = () => controller.signal.aborted;
  const root = mkdtempSync(join(tmpdir(), "shipgate-demo-"));
  const started = performance.now();
  let failures = 0;
  try {
    const shell = createShell(io.env, controller.signal);
    const server = join(root, "server.git");
    await shell.run("git", ["init", "-q", "--bare", server], { cwd: root, timeoutMs: 30_000 });
    const repo = await createDemoRepo(root, server, shell);
    out.write(`${s.bold("shipgate demo")}: ${messages.demoIntro(root)}\n`);
    failures += await runSteps(hookSteps(repo), out, stopped, false);
    if (values["hooks-only"] !== true && !stopped()) failures += await runSteps(await wholePathSteps(root, repo, server, shell, out), out, stopped, true);
    if (stopped()) out.write(`\n${s.red(messages.demoStopped)}\n`);
    else {
      const seconds = Math.round((performance.now() - started) / 1000);
      out.write(`\n${failures === 0 ? s.green(messages.demoPassed(seconds)) : s.red(messages.demoFailed(failures))}\n`);
    }
  } finally {
    await stopProcesses(root, await recordedPids(root, io.env));
    process.removeListener("SIGINT", stop);
    process.removeListener("SIGTERM", stop);
    if (values.keep === true && !stopped()) io.stdout.write(`${messages.demoKept(root)}\n`);
    else rmSync(root, { recursive: true, force: true });
  }
  if (signal !== null) return signal === "SIGINT" ? 130 : 143;
  return failures === 0 ? 0 : 1;
};

/** The server, gate and deploy steps, as far as the packages they need are installed beside this shipgate. */
async function wholePathSteps(root: string, repo: DemoRepo, server: string, shell: Shell, out: Printer): Promise<Step[]> {
  if (!installed("@shipgate/server")) {
    out.write(`\n${messages.demoSkipped("the server, gate and deploy steps", "@shipgate/server")}\n`);
    return [];
  }
  const target = installed("@shipgate/deploy") ? await deployTarget(root, installed("@shipgate/migrations")) : null;
  if (target === null) out.write(`\n${messages.demoSkipped("the gate and deploy steps", "@shipgate/deploy")}\n`);
  else if (!target.gate) out.write(`\n${messages.demoSkipped("the release gate step", "@shipgate/migrations")}\n`);
  const config = join(root, "server.yml");
  writeServerConfig(config, target);
  const steps = serverSteps(repo, server, config, shell);
  if (target !== null) steps.push(...deploySteps({ repo, shell, server, port: target.port, gate: target.gate }));
  return steps;
}
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

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no free port on 127.0.0.1");
  return address.port;
}

export default demo;
