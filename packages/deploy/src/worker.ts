/**
 * The worker: runs the queued jobs of every environment (each under its own lock, environments side by side), first
 * resuming whatever a stopped worker left. `once` drains the queues and returns (what the post-receive trigger
 * starts); otherwise it keeps polling until its signal aborts (a service).
 */
import { engineOptions, type RunOptions, type Target } from "./actions.js";
import { runQueued } from "./engine.js";
import type { DeployRecord } from "./job.js";
import { pidAlive } from "./lock.js";
import { messages } from "./messages.js";

export interface WorkerOptions extends RunOptions {
  once: boolean;
  /** Milliseconds between looks at the queues when not `once`. */
  pollMs?: number;
}

export async function runWorker(target: Target, options: WorkerOptions): Promise<DeployRecord[]> {
  const { once, pollMs = 2000, ...run } = options;
  const engine = engineOptions(target, { ...run, owner: `worker ${run.who}` });
  const records: DeployRecord[] = [];
  const stopped = () => options.signal?.aborted === true;
  await dropScratchRefs(target);
  for (;;) {
    const envs = await environmentsWithWork(target, run.log);
    // Each environment runs to its end even when another fails; the first failure is reported after all of them.
    const results = await Promise.allSettled(envs.map((env) => runQueued(engine, env)));
    for (const result of results) if (result.status === "fulfilled") records.push(...result.value);
    const failed = results.find((result) => result.status === "rejected");
    if (failed !== undefined) throw failed.reason;
    if (once || stopped()) return records;
    await sleep(pollMs, options.signal);
    if (stopped()) return records;
  }
}

/** Environments with a queued job or a run left behind; ones no longer configured are reported and left alone. */
async function environmentsWithWork(target: Target, log: ((line: string) => void) | undefined): Promise<string[]> {
  const envs = new Set<string>();
  for (const ref of (await target.ledger.read()).keys()) {
    const match = /^refs\/shipgate\/([^/]+)\/(queued|run)$/.exec(ref);
    if (match === null) continue;
    const env = match[1] as string;
    if (Object.hasOwn(target.settings.environments, env)) envs.add(env);
    else log?.(messages.unconfiguredWork(env, target.configSource));
  }
  return [...envs];
}

/** Scratch refs of note writers that were killed halfway (their pid is gone); nothing else is touched. */
async function dropScratchRefs(target: Target): Promise<void> {
  const out = await target.ledger.git.text(["for-each-ref", "--format=%(refname)", "refs/notes/shipgate-tmp/"]);
  for (const ref of out.split("\n")) {
    const pid = Number(/\/(\d+)-[^/]+$/.exec(ref)?.[1]);
    if (Number.isInteger(pid) && pid > 0 && !pidAlive(pid, null)) await target.ledger.git.run(["update-ref", "-d", ref]);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
