/** commitlint itself, configured as its users run it: @commitlint/lint with config-conventional and its parser preset. */
import { createRequire } from "node:module";
import lint from "@commitlint/lint";
import conventional from "@commitlint/config-conventional";

type QualifiedRules = NonNullable<Parameters<typeof lint>[1]>;

export type Verdict = "error" | "warning" | "pass";

export interface CommitlintResult {
  verdict: Verdict;
  rules: string[];
}

export interface CommitlintConfig {
  rules: QualifiedRules;
  defaultIgnores?: boolean;
  ignores?: ((message: string) => boolean)[];
  /** `commitlint --edit` sets the parser's comment character; a range (`--from`) does not. */
  commentChar?: string;
}

// @commitlint/load resolves `parserPreset` from the config's own directory; so does this.
const presetModule = createRequire(import.meta.resolve("@commitlint/config-conventional")).resolve("conventional-changelog-conventionalcommits");
const { default: createPreset } = (await import(presetModule)) as { default: () => { parser: Record<string, unknown> } };
const parserOpts = createPreset().parser;

export const CONVENTIONAL_RULES = conventional.rules as QualifiedRules;

export async function commitlint(message: string, config: CommitlintConfig): Promise<CommitlintResult> {
  const opts = {
    parserOpts: { ...parserOpts, ...(config.commentChar ? { commentChar: config.commentChar } : {}) },
    ...(config.defaultIgnores === undefined ? {} : { defaultIgnores: config.defaultIgnores }),
    ...(config.ignores ? { ignores: config.ignores } : {}),
  };
  const report = await lint(message, config.rules, opts);
  const rules = [...report.errors, ...report.warnings].map((r) => r.name).sort();
  return { verdict: report.errors.length > 0 ? "error" : report.warnings.length > 0 ? "warning" : "pass", rules };
}
