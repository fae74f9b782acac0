/** A tiny `DEBUG=shipgate:*` trace with timings, written to stderr. */
import { writeSync } from "node:fs";

export type DebugFn = ((message: string) => void) & { enabled: boolean };

const pattern = process.env["DEBUG"] ?? "";

function enabledFor(namespace: string): boolean {
  return pattern.split(/[\s,]+/).some((p) => {
    if (p === "") return false;
    if (p === "*" || p === namespace) return true;
    return p.endsWith("*") && namespace.startsWith(p.slice(0, -1));
  });
}

// The first trace counts from process start: reading `performance` at import would load node:perf_hooks (~2 ms).
let last = 0;

export function createDebug(namespace: string): DebugFn {
  const enabled = enabledFor(namespace);
  const fn = ((message: string) => {
    if (!enabled) return;
    const now = performance.now();
    // Synchronously, like the CLI's own output (cli/src/io.ts): a trace must not wait in a stream at exit.
    writeSync(2, `${namespace} ${message} +${(now - last).toFixed(1)}ms\n`);
    last = now;
  }) as DebugFn;
  fn.enabled = enabled;
  return fn;
}
