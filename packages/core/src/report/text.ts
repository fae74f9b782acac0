/** The human report: one line per policy with its timing, each finding with place, problem and fix, a summary. */
import { ExitCode } from "../errors.js";
import type { Report } from "../run.js";
import { formatLocation, printable } from "./location.js";
import { createStyle } from "./style.js";

export interface TextOptions {
  colour: boolean;
  /** Prefix for every line (`remote: ` is added by git itself for pre-receive output; this is for indentation). */
  verbose?: boolean;
}

export function formatText(report: Report, options: TextOptions): string {
  const s = createStyle(options.colour);
  const lines: string[] = [];
  for (const run of report.runs) {
    if (run.status === "skipped") {
      if (run.notice !== undefined) lines.push(`  ${s.yellow("-")} ${run.id} skipped: ${printable(run.notice)}`);
      else if (options.verbose || run.reason === "SHIPGATE_SKIP") lines.push(s.dim(`  - ${run.id} skipped (${run.reason ?? ""})`));
      continue;
    }
    const time = s.dim(`${run.durationMs.toFixed(0)}ms`);
    const mark = run.status === "pass" ? s.green("✔") : run.status === "warn" ? s.yellow("⚠") : s.red("✖");
    lines.push(`  ${mark} ${run.id} ${time}`);
    if (run.notice !== undefined) lines.push(`      ${s.yellow("note")} ${printable(run.notice)}`);
    for (const finding of run.findings) {
      const where = formatLocation(finding);
      const level = finding.inconclusive === true ? s.yellow("inconclusive") : finding.severity === "error" ? s.red("error") : s.yellow("warn");
      lines.push(`      ${level} ${where === "" ? "" : `${s.bold(printable(where))}: `}${printable(finding.message)}`);
      if (finding.fix !== undefined) lines.push(`        ${s.dim("fix:")} ${printable(finding.fix)}`);
    }
  }
  lines.push(summary(report, s));
  return lines.join("\n") + "\n";
}

function summary(report: Report, s: ReturnType<typeof createStyle>): string {
  const errors = report.findings.filter((f) => f.severity === "error").length;
  const warnings = report.findings.length - errors;
  const ran = report.runs.filter((r) => r.status !== "skipped").length;
  const what = [`${ran} ${ran === 1 ? "policy" : "policies"}`];
  if (report.checked.commits > 0) what.push(`${report.checked.commits} commit${report.checked.commits === 1 ? "" : "s"}`);
  what.push(`${report.checked.files} file${report.checked.files === 1 ? "" : "s"}`);
  const time = `${report.durationMs.toFixed(0)}ms`;
  const fixed = report.fixes.length > 0 ? `, fixed ${report.fixes.length} file${report.fixes.length === 1 ? "" : "s"}` : "";
  if (report.exitCode === ExitCode.Usage)
    return s.yellow(
      `shipgate ${report.stage}: inconclusive: ${errors} check${errors === 1 ? "" : "s"} could not run here, ${warnings} warning${warnings === 1 ? "" : "s"} (${what.join(", ")}, ${time}${fixed})`,
    );
  if (errors > 0)
    return s.red(
      `shipgate ${report.stage}: blocked: ${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"} (${what.join(", ")}, ${time}${fixed})`,
    );
  const warn = warnings > 0 ? `, ${warnings} warning${warnings === 1 ? "" : "s"}` : "";
  return s.green(`shipgate ${report.stage}: passed${warn} (${what.join(", ")}, ${time}${fixed})`);
}
