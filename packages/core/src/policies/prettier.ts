/** prettier: staged files are formatted with the repository's own prettier and config (see tool-jobs.ts); formatted at pre-commit. */
import * as v from "valibot";
import { join } from "node:path";
import { latestTextFiles, type FileChange } from "../change/types.js";
import { definePolicy, globUses, type Fix, type Issue, type PolicyResult } from "./policy.js";
import { compileGlobs } from "../glob.js";
import { localTools, type PrettierOutcome } from "./tool-jobs.js";
import { messages } from "../messages.js";

const options = v.strictObject({
  /** Write prettier's output into the staged content at pre-commit. */
  fix: v.optional(v.boolean(), true),
  /** Globs never formatted (in addition to .prettierignore). */
  exclude: v.optional(v.array(v.string()), ["pnpm-lock.yaml", "package-lock.json", "yarn.lock"]),
  /**
   * Format only files under a prettier config of the repository (.prettierrc, prettier.config.js, a "prettier" key in
   * package.json), as prettier's editor integrations offer: without one, prettier's defaults would restyle every file
   * touched. false formats with prettier's defaults where there is no config.
   */
  requireConfig: v.optional(v.boolean(), true),
});

export default definePolicy({
  id: "prettier",
  summary: "staged files are formatted by the repository's prettier (formatted at pre-commit)",
  stages: ["pre-commit", "ci"],
  options,
  lines: "none",
  patterns: (o) => globUses("exclude", o.exclude),
  fixer: true,
  tool: "prettier",
  async check({ change, options: o, cwd, read, fixing, working, tools = localTools }) {
    const excluded = compileGlobs(o.exclude);
    const files = latestTextFiles(change.files).filter((f) => !excluded(f.path));
    if (files.length === 0) return { issues: [], skipped: "no staged file to format" };
    const jobs = await Promise.all(
      files.map(async (file) => ({ cwd, requireConfig: o.requireConfig, filePath: join(cwd, file.path), source: (await read(file)).toString("utf8") })),
    );
    const outcomes = await tools.run({ tool: "prettier", jobs }, (i) => {
      const file = files[i];
      if (file) working?.(file, i, files.length);
    });
    const results = files.map((file, i) => ({ file, source: jobs[i]?.source ?? "", outcome: outcomes[i] ?? { kind: "missing" as const } }));
    return decide(results, fixing && o.fix);
  },
});

/** The verdict from each file's outcome: a fix at pre-commit, else a finding per file prettier would change. */
function decide(results: readonly { file: FileChange; source: string; outcome: PrettierOutcome }[], fix: boolean): PolicyResult {
  const issues: Issue[] = [];
  const fixes: Fix[] = [];
  let formatted = 0;
  let installed = false;
  let unconfigured = 0;
  for (const { file, source, outcome } of results) {
    if (outcome.kind === "missing") continue;
    installed = true;
    if (outcome.kind === "crashed") throw new Error(outcome.message);
    if (outcome.kind === "unconfigured") unconfigured++;
    if (outcome.kind !== "formatted" && outcome.kind !== "unparsable") continue;
    formatted++;
    if (outcome.kind === "unparsable") {
      const loc = /\((\d+):(\d+)\)/.exec(outcome.message);
      issues.push({
        path: file.path,
        ...(loc ? { line: Number(loc[1]), column: Number(loc[2]) } : {}),
        message: `prettier cannot parse it: ${outcome.message}`,
        fix: "Fix the syntax error.",
      });
    } else if (outcome.output === source) continue;
    else if (fix) fixes.push({ path: file.path, content: Buffer.from(outcome.output, "utf8") });
    else
      issues.push({
        path: file.path,
        ...(file.commit !== null ? { commit: file.commit } : {}),
        message: "not formatted with prettier",
        fix: `Run: npx prettier --write -- ${JSON.stringify(file.path)}`,
      });
  }
  if (!installed) return { issues, skipped: "prettier is not installed", notice: messages.toolMissing("prettier", "prettier") };
  if (formatted === 0 && unconfigured > 0) return { issues, skipped: "no prettier config", notice: messages.prettierNoConfig };
  if (formatted === 0) return { issues, skipped: "no staged file is formattable" };
  return { issues, fixes };
}
