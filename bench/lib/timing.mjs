/** Wall-clock timing for benchmarks: time a command, summarise samples as median and p90. */
import { spawnSync } from "node:child_process";

/**
 * Runs a command to completion and returns its wall time in milliseconds with the spawn result.
 * Throws with the command's output when it exits non-zero, so a broken setup never passes for a fast one.
 */
export function timeCommand(command, args, options) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 1 << 28, ...options });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) {
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim();
    throw new Error(`${command} ${args.join(" ")} failed (exit ${result.status ?? result.signal}):\n${output}`);
  }
  return { ms, result };
}

/** Median, p90 (nearest rank), min and max of a list of milliseconds. */
export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  const mid = sorted.length / 2;
  const median = sorted.length % 2 === 1 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { runs: sorted.length, median, p90: rank(0.9), min: sorted[0], max: sorted[sorted.length - 1] };
}

/** `1234.5` -> `"1235 ms"`; `12.34` -> `"12.3 ms"`. */
export function formatMs(ms) {
  return ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`;
}

/** `0.4567` -> `"0.46x"`. */
export function formatRatio(ratio) {
  return `${ratio.toFixed(2)}x`;
}
