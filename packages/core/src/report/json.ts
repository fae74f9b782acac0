/** Machine-readable report: stable keys, no colour, durations rounded to 0.1 ms. */
import type { Report } from "../run.js";

export function formatJson(report: Report): string {
  return (
    JSON.stringify(
      {
        stage: report.stage,
        ok: report.exitCode === 0,
        exitCode: report.exitCode,
        durationMs: round(report.durationMs),
        checked: report.checked,
        policies: report.runs.map((run) => ({
          id: run.id,
          status: run.status,
          durationMs: round(run.durationMs),
          ...(run.reason ? { reason: run.reason } : {}),
          ...(run.notice ? { notice: run.notice } : {}),
          ...(run.details ? { details: run.details } : {}),
        })),
        findings: report.findings,
        fixed: report.fixes.map((fix) => fix.path),
      },
      null,
      2,
    ) + "\n"
  );
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
