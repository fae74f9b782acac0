/** Reporter selection by name: text, json, sarif, junit, github. */
import type { Report } from "../run.js";
import { UsageError } from "../errors.js";
import { formatText } from "./text.js";
import { formatJson } from "./json.js";
import { formatSarif } from "./sarif.js";
import { formatJunit } from "./junit.js";
import { formatGithub } from "./github.js";

export const FORMATS = ["text", "json", "sarif", "junit", "github"] as const;
export type Format = (typeof FORMATS)[number];

export function isFormat(value: string): value is Format {
  return (FORMATS as readonly string[]).includes(value);
}

export function formatReport(report: Report, format: string, options: { colour: boolean; verbose?: boolean }): string {
  switch (format) {
    case "text":
      return formatText(report, options);
    case "json":
      return formatJson(report);
    case "sarif":
      return formatSarif(report);
    case "junit":
      return formatJunit(report);
    case "github":
      return formatGithub(report);
    default:
      throw new UsageError(`unknown format "${format}"`, { hint: `Use one of: ${FORMATS.join(", ")}.` });
  }
}
