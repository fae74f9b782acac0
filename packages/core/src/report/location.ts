/** How a finding's place is written for people: `path:line`, the short commit, the ref. */
import type { Finding } from "../policies/policy.js";

export function formatLocation(finding: Finding): string {
  const parts: string[] = [];
  if (finding.path !== undefined && finding.path !== "") {
    let where = finding.path;
    if (finding.line !== undefined) where += `:${finding.line}`;
    if (finding.line !== undefined && finding.column !== undefined) where += `:${finding.column}`;
    parts.push(where);
  } else if (finding.line !== undefined) parts.push(`line ${finding.line}`);
  if (finding.commit !== undefined) parts.push(`commit ${finding.commit.slice(0, 12)}`);
  if (finding.ref !== undefined) parts.push(finding.ref);
  return parts.join(" ");
}

/** Makes a value safe to print on one terminal line (no control characters from hostile names). */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f\u009b]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, "0")}`).replace(/\n/g, "\\n");
}
