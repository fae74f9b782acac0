/** JUnit XML for CI test panels: a testsuite per stage, a testcase per policy, a failure listing its findings. */
import type { PolicyRun, Report } from "../run.js";
import type { Finding } from "../policies/policy.js";
import { formatLocation } from "./location.js";

export function formatJunit(reports: Report | readonly Report[]): string {
  const list = Array.isArray(reports) ? (reports as readonly Report[]) : [reports as Report];
  const suites = list.map(suite);
  const total = (key: keyof Counts) => suites.reduce((sum, s) => sum + s.counts[key], 0);
  const time = seconds(list.reduce((sum, r) => sum + r.durationMs, 0));
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="shipgate" tests="${total("tests")}" failures="${total("failures")}" errors="0" skipped="${total("skipped")}" time="${time}">`,
    ...suites.flatMap((s) => s.lines),
    "</testsuites>",
    "",
  ].join("\n");
}

interface Counts {
  tests: number;
  failures: number;
  skipped: number;
}

function suite(report: Report): { counts: Counts; lines: string[] } {
  const counts: Counts = {
    tests: report.runs.length,
    failures: report.runs.filter((run) => run.status === "fail").length,
    skipped: report.runs.filter((run) => run.status === "skipped").length,
  };
  const name = attr(`shipgate ${report.stage}`);
  const head = `  <testsuite name="${name}" tests="${counts.tests}" failures="${counts.failures}" errors="0" skipped="${counts.skipped}" time="${seconds(report.durationMs)}">`;
  return { counts, lines: [head, ...report.runs.flatMap((run) => testcase(report.stage, run)), "  </testsuite>"] };
}

function testcase(stage: string, run: PolicyRun): string[] {
  const open = `    <testcase classname="${attr(`shipgate.${stage}`)}" name="${attr(run.id)}" time="${seconds(run.durationMs)}"`;
  if (run.status === "skipped") return [`${open}>`, `      <skipped message="${attr(run.reason ?? "skipped")}"/>`, "    </testcase>"];
  if (run.status === "pass") return [`${open}/>`];
  const body = text(run.findings.map(describe).join("\n"));
  if (run.status === "warn") return [`${open}>`, `      <system-out>${body}</system-out>`, "    </testcase>"];
  const errors = run.findings.filter((f) => f.severity === "error").length;
  const summary = `${errors} error${errors === 1 ? "" : "s"}: ${run.findings[0]?.message ?? ""}`;
  return [`${open}>`, `      <failure message="${attr(summary)}" type="${attr(run.id)}">${body}</failure>`, "    </testcase>"];
}

function describe(finding: Finding): string {
  const where = formatLocation(finding);
  const line = `${finding.severity}: ${where === "" ? "" : `${where}: `}${finding.message}`;
  return finding.fix === undefined ? line : `${line}\n  fix: ${finding.fix}`;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/**
 * Characters XML 1.0 forbids even as references (C0 controls but tab, LF, CR; U+FFFE/U+FFFF; unpaired
 * surrogates) become visible escapes, so a hostile file name cannot make the document ill-formed.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ILLEGAL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function xmlSafe(value: string): string {
  return value.replace(ILLEGAL, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function text(value: string): string {
  // A raw CR would be normalised away by the parser; a reference keeps it.
  return xmlSafe(value).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r/g, "&#13;");
}

/** Attribute values also escape quotes and the whitespace that attribute normalisation would flatten. */
function attr(value: string): string {
  return text(value).replace(/"/g, "&quot;").replace(/'/g, "&apos;").replace(/\n/g, "&#10;").replace(/\t/g, "&#9;");
}
