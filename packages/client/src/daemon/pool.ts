/**
 * Runs eslint and prettier jobs over executors: this thread (in a hook) and worker threads that keep the tools
 * loaded (./lint-worker.ts). Each free executor takes the next job; once the queue is empty, a warm executor that is
 * free also runs a job that a still-loading worker holds, and the first answer wins (jobs are pure, so both answers
 * are the same): a worker that starts cold never makes a run slower than this thread alone.
 */
import { Worker } from "node:worker_threads";
import {
  ToolSession,
  type EslintJob,
  type EslintOutcome,
  type OutcomeOf,
  type PrettierJob,
  type PrettierOutcome,
  type ToolHost,
  type ToolRequest,
} from "@shipgate/core";

export type PoolOutcome = EslintOutcome | PrettierOutcome | { kind: "declined" };
type Tool = ToolRequest["tool"];
type TaskMessage = { type: "task"; task: number; tool: "eslint"; job: EslintJob } | { type: "task"; task: number; tool: "prettier"; job: PrettierJob };
export type ToWorker = TaskMessage | { type: "warm"; requests: ToolRequest[] };
export type FromWorker = { type: "done"; task: number; outcome: PoolOutcome } | { type: "warmed" };

export interface PoolOptions {
  /** Run jobs on this thread too (a hook); the daemon's main thread only hands jobs out. */
  inline: boolean;
  /** Worker threads kept from the start (the daemon's warm one). */
  minWorkers: number;
  maxWorkers: number;
  /** A request of at least this many jobs starts more workers, up to maxWorkers. */
  spreadAt: number;
  /** eslint jobs whose config lints with type information come back `declined` (the daemon keeps no such state). */
  declineTypeAware: boolean;
  script: string;
}

interface Task {
  message: TaskMessage;
  runners: number;
  done: boolean;
  started: boolean;
  /** Any executor may take it; else a worker takes it only once it has its tool loaded (see `mayTake`). */
  spread: boolean;
  deaths: number;
  onStart: () => void;
  settle: (outcome: PoolOutcome) => void;
  fail: (error: Error) => void;
}

/** A worker may die on a job (a tool that runs out of memory); a job that killed two is the run's failure. */
const DEATHS_PER_TASK = 2;
/** Workers a pool may start in all, replacements included. */
const SPAWN_LIMIT = 16;

export class LintPool implements ToolHost {
  private readonly queue: Task[] = [];
  private readonly running = new Set<Task>();
  private readonly executors: Executor[] = [];
  private spawned = 0;
  private nextTask = 0;
  private closed = false;
  private runs = 0;
  private closeWhenDone = false;

  constructor(private readonly options: PoolOptions) {
    if (options.inline) this.executors.push(new InlineExecutor());
    this.keepWorkers(options.minWorkers);
  }

  /** Worker threads alive now. */
  get workers(): number {
    return this.executors.filter((e) => e instanceof WorkerExecutor).length;
  }

  async run<R extends ToolRequest>(request: R, started?: (index: number) => void): Promise<OutcomeOf<R>[]> {
    const outcomes = await this.runWire(request, started);
    if (outcomes.some((o) => o.kind === "declined")) throw new Error("a pool that declines jobs answered a hook");
    return outcomes as OutcomeOf<R>[];
  }

  /** Every job's outcome, in order, `declined` included. */
  runWire(request: ToolRequest, started?: (index: number) => void): Promise<PoolOutcome[]> {
    if (this.closed) return Promise.reject(new Error("the lint pool is closed"));
    const tasks: Promise<PoolOutcome>[] = [];
    const mine: Task[] = [];
    for (let index = 0; index < request.jobs.length; index++) {
      const message = taskMessage(request, index, this.nextTask++);
      tasks.push(
        new Promise<PoolOutcome>((settle, fail) => {
          const spread = !this.options.inline || request.jobs.length >= this.options.spreadAt;
          const task: Task = { message, runners: 0, done: false, started: false, spread, deaths: 0, onStart: () => started?.(index), settle, fail };
          mine.push(task);
          this.queue.push(task);
        }),
      );
    }
    if (request.jobs.length >= this.options.spreadAt) this.keepWorkers(this.options.maxWorkers);
    this.pump();
    this.runs++;
    return Promise.all(tasks)
      .catch((error: unknown) => {
        for (const task of mine) this.drop(task);
        throw error;
      })
      .finally(() => {
        if (--this.runs === 0 && this.closeWhenDone) void this.close();
      });
  }

  /** Closes the pool once the runs it has started are done (a daemon's reload: new runs go to a new pool). */
  async closeWhenIdle(): Promise<void> {
    this.closeWhenDone = true;
    if (this.runs === 0) await this.close();
  }

  /** Loads the tools in the workers by running `requests` (made-up files); resolves when every worker has. */
  async warm(requests: ToolRequest[]): Promise<void> {
    const workers = this.executors.filter((e): e is WorkerExecutor => e instanceof WorkerExecutor && !e.busy);
    try {
      await Promise.all(workers.map((worker) => this.occupy(worker, worker.warm(requests))));
      for (const worker of workers) for (const request of requests) worker.warmFor.add(request.tool);
    } finally {
      this.pump(); // jobs that came in meanwhile
    }
  }

  /**
   * Starts a worker (when the pool may have one) loading the tools of `requests` while this thread works on others:
   * a hook has it load prettier while eslint runs here, so prettier's jobs find it ready.
   */
  prewarm(requests: ToolRequest[]): void {
    this.keepWorkers(Math.min(1, this.options.maxWorkers));
    this.warm(requests).catch(() => undefined); // a worker that fails to warm only leaves its jobs to this thread
  }

  /** Stops idle workers beyond `minWorkers` (a daemon gives back the memory of a spread once it is idle). */
  trim(): void {
    for (const executor of [...this.executors]) {
      if (this.workers <= this.options.minWorkers) return;
      if (executor instanceof WorkerExecutor && !executor.busy) {
        this.executors.splice(this.executors.indexOf(executor), 1);
        void executor.stop();
      }
    }
  }

  /** Stops every worker; jobs not done fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of [...this.queue, ...this.running]) this.drop(task, new Error("the lint pool is closed"));
    await Promise.all(this.executors.map((e) => e.stop()));
  }

  private keepWorkers(count: number): void {
    while (this.workers < count && this.spawned < SPAWN_LIMIT && !this.closed) {
      this.spawned++;
      const worker = new WorkerExecutor(this.options.script, this.options.declineTypeAware, () => this.lost(worker));
      this.executors.push(worker);
    }
  }

  private lost(worker: Executor): void {
    this.executors.splice(this.executors.indexOf(worker), 1);
    if (!this.closed) this.keepWorkers(this.options.minWorkers);
    if (this.executors.length === 0) for (const task of [...this.queue]) this.drop(task, new Error("no lint worker could be started"));
    this.pump();
  }

  private pump(): void {
    for (const executor of this.executors) {
      if (executor.busy) continue;
      const index = this.queue.findIndex((task) => this.mayTake(executor, task));
      const task = index === -1 ? this.duplicateFor(executor) : this.queue.splice(index, 1)[0];
      if (task !== undefined) this.start(executor, task);
    }
  }

  /**
   * In a hook, a few files' jobs go to this thread or to a worker that has their tool loaded already: a worker that
   * started loading eslint for one file would only finish after this thread had done them all.
   */
  private mayTake(executor: Executor, task: Task): boolean {
    return task.spread || executor instanceof InlineExecutor || executor.warmFor.has(task.message.tool);
  }

  /** A job another executor still holds, for a free executor that has the tool loaded. */
  private duplicateFor(executor: Executor): Task | undefined {
    for (const task of this.running) if (!task.done && task.runners === 1 && executor.warmFor.has(task.message.tool)) return task;
    return undefined;
  }

  private start(executor: Executor, task: Task): void {
    task.runners++;
    this.running.add(task);
    if (!task.started) {
      task.started = true;
      task.onStart();
    }
    const done = (outcome: PoolOutcome) => {
      executor.warmFor.add(task.message.tool);
      if (task.done) return;
      task.done = true;
      task.settle(outcome);
    };
    const died = (error: Error) => {
      if (task.done) return;
      task.deaths++;
      if (task.deaths >= DEATHS_PER_TASK) this.drop(task, error);
      else if (task.runners === 1) this.queue.unshift(task);
    };
    void this.occupy(executor, executor.exec(task.message).then(done, died)).then(() => {
      task.runners--;
      if (task.runners === 0) this.running.delete(task);
      this.pump();
    });
  }

  private async occupy<T>(executor: Executor, work: Promise<T>): Promise<T> {
    executor.busy = true;
    try {
      return await work;
    } finally {
      executor.busy = false;
    }
  }

  private drop(task: Task, error?: Error): void {
    const queued = this.queue.indexOf(task);
    if (queued !== -1) this.queue.splice(queued, 1);
    if (task.done) return;
    task.done = true;
    if (error) task.fail(error);
    else task.settle({ kind: "crashed", message: "the run was abandoned" });
  }
}

function taskMessage(request: ToolRequest, index: number, task: number): TaskMessage {
  if (request.tool === "eslint") return { type: "task", task, tool: "eslint", job: request.jobs[index] as EslintJob };
  return { type: "task", task, tool: "prettier", job: request.jobs[index] as PrettierJob };
}

abstract class Executor {
  busy = false;
  /** The tools it has run a job of (or warmed up): it may take over a job of theirs. */
  readonly warmFor = new Set<Tool>();
  abstract exec(task: TaskMessage): Promise<PoolOutcome>;
  abstract stop(): Promise<void>;
}

/** This thread, with its own session for the pool's lifetime (one hook run). */
class InlineExecutor extends Executor {
  private readonly session = new ToolSession();

  exec(task: TaskMessage): Promise<PoolOutcome> {
    return task.tool === "eslint" ? this.session.eslint(task.job) : this.session.prettier(task.job);
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }
}

class WorkerExecutor extends Executor {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (o: PoolOutcome) => void; reject: (e: Error) => void }>();
  private warming: { resolve: () => void; reject: (e: Error) => void } | null = null;
  private dead: Error | null = null;

  constructor(script: string, declineTypeAware: boolean, onLost: () => void) {
    super();
    // No flags of this process's (a test runner's `--conditions source` would point the worker at TypeScript sources).
    this.worker = new Worker(script, { workerData: { declineTypeAware }, execArgv: [] });
    this.worker.unref();
    this.worker.on("message", (message: FromWorker) => {
      if (message.type === "warmed") {
        this.warming?.resolve();
        this.warming = null;
        return;
      }
      const pending = this.pending.get(message.task);
      this.pending.delete(message.task);
      if (this.pending.size === 0 && this.warming === null) this.worker.unref();
      pending?.resolve(message.outcome);
    });
    const die = (error: Error) => {
      if (this.dead) return;
      this.dead = error;
      for (const { reject } of this.pending.values()) reject(error);
      this.pending.clear();
      this.warming?.reject(error);
      onLost();
    };
    this.worker.on("error", die);
    this.worker.on("exit", (code) => die(new Error(`the lint worker exited (code ${code})`)));
  }

  exec(task: TaskMessage): Promise<PoolOutcome> {
    if (this.dead) return Promise.reject(this.dead);
    this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(task.task, { resolve, reject });
      this.worker.postMessage(task satisfies ToWorker);
    });
  }

  warm(requests: ToolRequest[]): Promise<void> {
    if (this.dead) return Promise.reject(this.dead);
    this.worker.ref();
    return new Promise((resolve, reject) => {
      this.warming = { resolve, reject };
      this.worker.postMessage({ type: "warm", requests } satisfies ToWorker);
    });
  }

  stop(): Promise<void> {
    this.dead ??= new Error("stopped");
    // Not awaited: under load, Node 20 at times never settles terminate()'s promise for a worker that held eslint and
    // TypeScript, while nothing keeps the event loop alive for it, and a hook awaiting it exited 13 without a verdict.
    this.worker.terminate().catch(() => undefined);
    return Promise.resolve();
  }
}
