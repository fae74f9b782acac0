/** GitHub Actions workflow commands: an `::error`/`::warning` annotation per finding, pinned to its file and line. */
import type { Report } from "../run.js";
import type { Finding } from "../policies/policy.js";

export function formatGithub(report: Report): string {
  return report.findings.map(annotation).join("");
}

function annotation(finding: Finding): string {
  const properties: string[] = [];
  if (finding.path !== undefined && finding.path !== "") {
    properties.push(`file=${escapeProperty(finding.path)}`);
    if (finding.line !== undefined) properties.push(`line=${finding.line}`);
    if (finding.line !== undefined && finding.column !== undefined) properties.push(`col=${finding.column}`);
  }
  properties.push(`title=${escapeProperty(`shipgate ${finding.policy}`)}`);
  const where = [finding.commit !== undefined ? `commit ${finding.commit.slice(0, 12)}` : "", finding.ref ?? ""].filter((part) => part !== "");
  const lines = [finding.message + (where.length > 0 ? ` (${where.join(", ")})` : ""), ...(finding.fix !== undefined ? [`Fix: ${finding.fix}`] : [])];
  const command = finding.severity === "error" ? "error" : "warning";
  return `::${command} ${properties.join(",")}::${escapeData(lines.join("\n"))}\n`;
}

/** The runner's own escaping for a command's message: `%` first, then CR and LF, so no text can start a new command. */
export function escapeData(value: string): string {
  return value.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** Property values also escape the `:` that ends the properties and the `,` that separates them. */
export function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
