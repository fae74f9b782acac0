/** SARIF 2.1.0 for code scanning: one run, a rule per policy that ran, a result per finding. */
import { sha256 } from "../sha256.js";
import type { Report } from "../run.js";
import type { Finding } from "../policies/policy.js";
import { findPolicy } from "../policies/index.js";
import { messages } from "../messages.js";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

export function formatSarif(report: Report): string {
  const ran = report.runs.filter((run) => run.status !== "skipped");
  const ids = [...new Set([...ran.map((run) => run.id), ...report.findings.map((finding) => finding.policy)])];
  const rules = ids.map((id) => {
    const summary = findPolicy(id)?.summary ?? id;
    return { id, name: id, shortDescription: { text: summary }, helpUri: messages.docs, defaultConfiguration: { level: "error" } };
  });
  const sarif = {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "shipgate", informationUri: messages.docs, rules } },
        automationDetails: { id: `shipgate/${report.stage}/` },
        invocations: [{ executionSuccessful: true, exitCode: report.exitCode }],
        results: report.findings.map((finding) => result(finding, ids.indexOf(finding.policy))),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + "\n";
}

function result(finding: Finding, ruleIndex: number) {
  const where = [finding.commit !== undefined ? `commit ${finding.commit.slice(0, 12)}` : "", finding.ref ?? ""].filter((part) => part !== "");
  const what = finding.message + (where.length > 0 ? ` (${where.join(", ")})` : "");
  const text = [/[.!?]$/.test(what) ? what : `${what}.`, finding.fix === undefined ? "" : `Fix: ${finding.fix}`].filter((part) => part !== "").join(" ");
  const properties = { ...(finding.commit !== undefined ? { commit: finding.commit } : {}), ...(finding.ref !== undefined ? { ref: finding.ref } : {}) };
  return {
    ruleId: finding.policy,
    ruleIndex,
    level: finding.severity === "error" ? "error" : "warning",
    message: { text },
    // Code scanning needs a file to pin a result to; findings about commits or refs have none and stay unpinned.
    ...(finding.path !== undefined && finding.path !== "" ? { locations: [location(finding.path, finding.line, finding.column)] } : {}),
    partialFingerprints: { "shipgateFinding/v1": fingerprint(finding) },
    ...(Object.keys(properties).length > 0 ? { properties } : {}),
  };
}

function location(path: string, line: number | undefined, column: number | undefined) {
  const region = line !== undefined && line > 0 ? { region: { startLine: line, ...(column !== undefined && column > 0 ? { startColumn: column } : {}) } } : {};
  return { physicalLocation: { artifactLocation: { uri: pathToUri(path), uriBaseId: "%SRCROOT%" }, ...region } };
}

/**
 * A repository-relative path as an RFC 3986 relative reference: every byte outside the unreserved set is
 * percent-encoded per segment, so `:` in a first segment cannot pose as a scheme and `?`, `#`, `%` stay data.
 * Lone surrogates become U+FFFD through UTF-8 encoding instead of throwing as encodeURIComponent would.
 */
export function pathToUri(path: string): string {
  return path
    .split("/")
    .map((segment) => {
      let out = "";
      for (const byte of Buffer.from(segment, "utf8")) {
        const ch = String.fromCharCode(byte);
        out += /[A-Za-z0-9\-._~]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
      }
      return out;
    })
    .join("/");
}

/** Stable across runs for the same problem at the same place, whatever the line numbers do around it. */
function fingerprint(finding: Finding): string {
  return sha256([finding.policy, finding.path ?? "", finding.ref ?? "", finding.message].join("\0")).slice(0, 32);
}
