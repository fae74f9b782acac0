/** The lines a pusher sees (git prefixes each with `remote:`): every finding with its place, policy and fix. */
import type { Finding } from "../policies/policy.js";
import { formatLocation, printable } from "./location.js";

/** One block per finding: `error [policy] path:line commit abc ref: message`, then the fix. */
export function formatRemoteLines(findings: readonly Finding[]): string[] {
  const lines: string[] = [];
  for (const finding of findings) {
    const where = formatLocation(finding);
    lines.push(
      `${finding.severity === "error" ? "error" : "warn "} [${finding.policy}] ${where === "" ? "" : `${printable(where)}: `}${printable(finding.message)}`,
    );
    if (finding.fix !== undefined) lines.push(`      fix: ${printable(finding.fix)}`);
  }
  return lines;
}
