/** Milliseconds from an arbitrary origin, for durations: `performance` would load node:perf_hooks (~2 ms a hook). */
export function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
