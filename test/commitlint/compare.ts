/** Runs one sample through commitlint and through shipgate's policy, at the stage the sample stands for. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig, lintMessage, type CommitMessageOptions } from "@shipgate/core";
import { tempDir } from "@shipgate/test-utils";
import { cleanMessage } from "@shipgate/client";
import { commitlint, type CommitlintConfig, type CommitlintResult, type Verdict } from "./commitlint.js";
import type { Sample } from "./generate.js";

export interface Outcome {
  sample: Sample;
  commitlint: CommitlintResult | { verdict: "throws"; rules: string[] };
  shipgate: { verdict: Verdict; rules: string[] };
  /** commitlint on the message git stores, for editor files (what commitlint --from/--to would see later). */
  commitlintStored?: CommitlintResult | { verdict: "throws"; rules: string[] };
}

export async function compare(sample: Sample, options: CommitMessageOptions, config: CommitlintConfig): Promise<Outcome> {
  const stored = sample.mode === "editor" ? cleanMessage(sample.message, "#") : sample.message;
  const outcome: Outcome = {
    sample,
    commitlint: await safely(sample.message, sample.mode === "editor" ? { ...config, commentChar: "#" } : config),
    shipgate: shipgate(stored, options),
  };
  if (sample.mode === "editor") outcome.commitlintStored = await safely(stored, config);
  return outcome;
}

/** Milliseconds each side spent, summed over every compare() since the last reset. */
export const timings = { shipgate: 0, commitlint: 0 };

export function shipgate(message: string, options: CommitMessageOptions): { verdict: Verdict; rules: string[] } {
  const start = performance.now();
  const results = lintMessage(message, options);
  timings.shipgate += performance.now() - start;
  const verdict = results.some((r) => r.level === "error") ? "error" : results.length > 0 ? "warning" : "pass";
  return { verdict, rules: [...new Set(results.flatMap((r) => r.rules))].sort() };
}

async function safely(message: string, config: CommitlintConfig): Promise<Outcome["commitlint"]> {
  const start = performance.now();
  try {
    return await commitlint(message, config);
  } catch {
    // lint() throws "Expected a raw commit" on a message of only whitespace; its CLI refuses such input.
    return { verdict: "throws", rules: [] };
  } finally {
    timings.commitlint += performance.now() - start;
  }
}

export function agrees(a: { verdict: string; rules: string[] }, b: { verdict: string; rules: string[] }): boolean {
  return a.verdict === b.verdict && a.rules.join() === b.rules.join();
}

/** The commit-message options a config file yields after `extends:` and validation, as the hooks would run them. */
export function optionsOf(yaml: string): CommitMessageOptions {
  const file = join(tempDir("shipgate-commitlint-"), ".shipgate.yml");
  writeFileSync(file, yaml);
  const entry = loadConfig(file).config.policies["commit-message"];
  if (entry === undefined) throw new Error("the config has no commit-message entry");
  const { severity: _severity, stages: _stages, ...options } = entry;
  return options as CommitMessageOptions;
}
