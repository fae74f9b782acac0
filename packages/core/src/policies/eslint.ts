/** eslint: lints staged JavaScript/TypeScript with the repository's own eslint and config (see tool-jobs.ts); fixes at pre-commit. */
import * as v from "valibot";
import { dirname, join } from "node:path";
import { definePolicy, globUses, type Fix, type Issue } from "./policy.js";
import { compileGlobs } from "../glob.js";
import { findUp, resolveFromProject } from "./load-tool.js";
import { localTools, type EslintOutcome, type LintMessage } from "./tool-jobs.js";
import { ConfigError } from "../errors.js";
import { messages } from "../messages.js";
import { latestTextFiles, type FileChange } from "../change/types.js";

const options = v.strictObject({
  /** Apply eslint's autofixes to the staged content at pre-commit. */
  fix: v.optional(v.boolean(), true),
  /** Files to lint. */
  patterns: v.optional(v.array(v.string()), ["*.js", "*.mjs", "*.cjs", "*.jsx", "*.ts", "*.mts", "*.cts", "*.tsx"]),
  /** Treat eslint warnings as findings too. */
  warnings: v.optional(v.boolean(), false),
});

const CONFIG_FILES = ["eslint.config.js", "eslint.config.mjs", "eslint.config.cjs", "eslint.config.ts", "eslint.config.mts", "eslint.config.cts"];

export default definePolicy({
  id: "eslint",
  summary: "staged JavaScript/TypeScript passes the repository's eslint (autofixed at pre-commit)",
  stages: ["pre-commit", "ci"],
  options,
  lines: "none",
  patterns: (o) => globUses("patterns", o.patterns),
  fixer: true,
  tool: "eslint",
  async check({ change, options: o, cwd, read, fixing, working, tools = localTools }) {
    const matches = compileGlobs(o.patterns);
    const files = latestTextFiles(change.files).filter((f) => matches(f.path));
    if (files.length === 0) return { issues: [], skipped: "no staged file to lint" };
    // Each file is linted from the directory of its nearest eslint config; a file under none is not linted.
    const groups = new Map<string, FileChange[]>();
    for (const file of files) {
      const root = findUp(dirname(join(cwd, file.path)), cwd, CONFIG_FILES);
      if (root !== null) groups.set(root, [...(groups.get(root) ?? []), file]);
    }
    if (groups.size === 0) {
      const notice = resolveFromProject("eslint", cwd) === null ? messages.toolMissing("eslint", "eslint") : messages.eslintNoConfig;
      return { issues: [], skipped: "no eslint config", notice };
    }
    const ordered = [...groups].flatMap(([root, group]) => group.map((file) => ({ root, file })));
    const fix = fixing && o.fix;
    const jobs = await Promise.all(
      ordered.map(async ({ root, file }) => ({ root, fix, filePath: join(cwd, file.path), source: (await read(file)).toString("utf8") })),
    );
    const outcomes = await tools.run({ tool: "eslint", jobs }, (i) => {
      const file = ordered[i]?.file;
      if (file) working?.(file, i, files.length);
    });
    return decide(
      ordered.map(({ file }, i) => ({ file, source: jobs[i]?.source ?? "", outcome: outcomes[i] ?? { kind: "missing" } })),
      o.warnings,
    );
  },
});

/** The verdict from each file's outcome, in order: the first config that does not load stops the run, as eslint would. */
function decide(results: readonly { file: FileChange; source: string; outcome: EslintOutcome }[], warnings: boolean) {
  const issues: Issue[] = [];
  const fixes: Fix[] = [];
  let linted = 0;
  let installed = false;
  for (const { file, source, outcome } of results) {
    if (outcome.kind === "missing") continue;
    installed = true;
    if (outcome.kind === "broken") throw new ConfigError(messages.eslintConfigBroken(outcome.reason), { hint: messages.eslintConfigHint });
    if (outcome.kind === "crashed") throw new Error(outcome.message);
    if (outcome.kind === "ignored") continue;
    linted++;
    if (outcome.output !== undefined && outcome.output !== source) fixes.push({ path: file.path, content: Buffer.from(outcome.output, "utf8") });
    for (const m of outcome.messages) {
      if (m.severity < 2 && !warnings) continue;
      if (/no matching configuration|File ignored/i.test(m.message)) continue;
      issues.push(issueOf(file, m));
    }
  }
  if (!installed) return { issues, skipped: "eslint is not installed", notice: messages.toolMissing("eslint", "eslint") };
  if (linted === 0 && issues.length === 0) return { issues, skipped: "no staged file is linted" };
  return { issues, fixes };
}

function issueOf(file: FileChange, m: LintMessage): Issue {
  return {
    path: file.path,
    ...(m.line !== undefined ? { line: m.line } : {}),
    ...(m.column !== undefined ? { column: m.column } : {}),
    ...(file.commit !== null ? { commit: file.commit } : {}),
    message: `${m.message}${m.ruleId ? ` (${m.ruleId})` : ""}`,
    fix: m.fatal
      ? "Fix the syntax error."
      : `Fix the code, or disable the rule for this line with a reason: // eslint-disable-next-line ${m.ruleId ?? ""} -- <why>`,
    ...(m.severity < 2 ? { severity: "warn" as const } : {}),
  };
}
