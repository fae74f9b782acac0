/**
 * A lint worker thread: keeps eslint and prettier loaded (one ToolSession) and runs one job per message from the
 * pool that started it (./pool.ts). Messages come from this process only.
 */
import { parentPort, workerData } from "node:worker_threads";
import { ToolSession, type ToolRequest } from "@shipgate/core";
import type { FromWorker, PoolOutcome, ToWorker } from "./pool.js";

const port = parentPort;
const declineTypeAware = (workerData as { declineTypeAware?: boolean } | null)?.declineTypeAware === true;
const session = new ToolSession();

port?.on("message", (message: ToWorker) => {
  void handle(message).then((reply) => port.postMessage(reply satisfies FromWorker));
});

async function handle(message: ToWorker): Promise<FromWorker> {
  if (message.type === "warm") {
    for (const request of message.requests) await runAll(request);
    return { type: "warmed" };
  }
  return { type: "done", task: message.task, outcome: await runTask(message) };
}

async function runTask(task: Extract<ToWorker, { type: "task" }>): Promise<PoolOutcome> {
  if (task.tool === "prettier") return session.prettier(task.job);
  if (declineTypeAware && (await session.typeAware(task.job))) return { kind: "declined" };
  return session.eslint(task.job);
}

/** A warm-up runs real jobs on made-up files, so the tools, the configs and the code they run are loaded and compiled. */
async function runAll(request: ToolRequest): Promise<void> {
  if (request.tool === "prettier") for (const job of request.jobs) await session.prettier(job);
  else for (const job of request.jobs) if (!declineTypeAware || !(await session.typeAware(job))) await session.eslint(job);
}
