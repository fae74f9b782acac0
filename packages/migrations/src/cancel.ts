/**
 * Cancelled means cleaned up. What a run makes outside its own process (a worktree, a database, the process group of the
 * previous release's tests) is tracked while it exists; a SIGINT, SIGTERM or SIGHUP during `withCancellation` stops and
 * removes all of it, newest first, and only then ends the run with a `Cancelled` error (exit 130, 143 or 129).
 *
 * The code that makes such a thing tracks it before making it, and disposes of it when done; the same disposal runs at
 * most once, whether the run finishes or a signal comes first.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { Cancelled } from "@shipgate/core";
import { messages } from "./messages.js";

type Signal = "SIGHUP" | "SIGINT" | "SIGTERM";
const SIGNALS: readonly Signal[] = ["SIGINT", "SIGTERM", "SIGHUP"];
/** How long one cleanup step may take before the next one runs (a database that does not answer, say). */
const STEP_TIMEOUT_MS = 15_000;

export interface Tracked {
  /** Removes the thing; runs once, later calls wait for the first. */
  dispose(): Promise<void>;
}

interface Item extends Tracked {
  /** What it is ("database x") and what disposing of it does ("dropped"), for the cancel message. */
  label: string;
  done: string;
}

interface Scope {
  signal: AbortSignal;
  items: Item[];
}

const scopes = new AsyncLocalStorage<Scope>();

/** Aborted when the run is cancelled; undefined outside `withCancellation`. */
export function cancelSignal(): AbortSignal | undefined {
  return scopes.getStore()?.signal;
}

/** Throws when the run has been cancelled, so that nothing new is made while the cleanup runs. */
export function throwIfCancelled(): void {
  const signal = cancelSignal();
  if (signal?.aborted) throw new Error(messages.cancelling);
}

/** Registers `dispose` for what is about to be made: `label` names it ("database x"), `done` says what disposing did ("dropped"). */
export function track(done: string, label: string, dispose: () => Promise<void>): Tracked {
  const scope = scopes.getStore();
  let running: Promise<void> | null = null;
  const item: Item = {
    label,
    done,
    dispose: () => {
      running ??= dispose().finally(() => {
        if (scope) scope.items = scope.items.filter((i) => i !== item);
      });
      return running;
    },
  };
  scope?.items.push(item);
  return item;
}

/** Runs `work`; on a signal, cleans up what is tracked and rejects with `Cancelled` (a second signal stops waiting). */
export async function withCancellation<T>(work: () => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const scope: Scope = { signal: controller.signal, items: [] };
  let received: Signal | null = null;
  let reject: (error: Cancelled) => void = () => undefined;
  const cancelled = new Promise<never>((_, fail) => (reject = fail));
  const onSignal = (signal: Signal) => {
    if (received !== null) {
      reject(
        new Cancelled(
          received,
          messages.cancelledAgain(
            received,
            scope.items.map((i) => i.label),
          ),
          { hint: messages.cancelledLeftHint },
        ),
      );
      return;
    }
    received = signal;
    controller.abort();
    void cleanUp(scope).then(({ done, failed }) =>
      reject(new Cancelled(signal, messages.cancelled(signal, done, failed), failed.length > 0 ? { hint: messages.cancelledLeftHint } : {})),
    );
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  try {
    const running = scopes.run(scope, work).then(
      (value) => (received === null ? value : cancelled),
      (error: unknown) => {
        if (received === null) throw error;
        return cancelled;
      },
    );
    return await Promise.race([running, cancelled]);
  } finally {
    for (const signal of SIGNALS) process.off(signal, onSignal);
  }
}

/** Disposes of every tracked item, newest first (the tests before their worktree, both before the database). */
async function cleanUp(scope: Scope): Promise<{ done: string[]; failed: string[] }> {
  const done: string[] = [];
  const failed: string[] = [];
  for (let item = scope.items.at(-1); item !== undefined; item = scope.items.at(-1)) {
    const current = item;
    scope.items = scope.items.filter((i) => i !== current);
    try {
      await withTimeout(current.dispose(), STEP_TIMEOUT_MS);
      done.push(`${current.done} ${current.label}`);
    } catch (error) {
      failed.push(`${current.label} (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  return { done, failed };
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(messages.cleanupTimedOut(ms / 1000))), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
