/** eslint: lints staged JavaScript/TypeScript in process with the repository's own eslint and config; fixes at pre-commit. */
import * as v from "valibot";
import { dirname, join } from "node:path";
import { definePolicy, type Fix, type Issue } from "./policy.js";
import { compileGlobs } from "../glob.js";
import { findUp, loadFromProject, resolveFromProject } from "./load-tool.js";
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

interface LintMessage {
  ruleId: string | null;
  severity: number;
  message: string;
  line?: number;
  column?: number;
  fatal?: boolean;
}
interface LintResult {
  messages: LintMessage[];
  output?: string;
}
interface ESLintInstance {
  isPathIgnored(path: string): Promise<boolean>;
  lintText(code: string, options: { filePath: string }): Promise<LintResult[]>;
}
interface ESLintModule {
  loadESLint?: (options: { useFlatConfig: boolean; cwd?: string }) => Promise<new (options: { cwd: string; fix: boolean }) => ESLintInstance>;
  ESLint?: new (options: { cwd: string; fix: boolean }) => ESLintInstance;
}

export default definePolicy({
  id: "eslint",
  summary: "staged JavaScript/TypeScript passes the repository's eslint (autofixed at pre-commit)",
  stages: ["pre-commit", "ci"],
  options,
  lines: "none",
  fixer: true,
  tool: "eslint",
  async check({ change, options: o, cwd, read, fixing, working }) {
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
    const issues: Issue[] = [];
    const fixes: Fix[] = [];
    let linted = 0;
    let installed = false;
    let started = 0;
    for (const [root, group] of groups) {
      const eslint = await createESLint(root, fixing && o.fix);
      if (!eslint) continue;
      installed = true;
      for (const file of group) {
        const filePath = join(cwd, file.path);
        working?.(file, started++, files.length);
        if (await configProblem(() => eslint.isPathIgnored(filePath))) continue;
        linted++;
        const source = (await read(file)).toString("utf8");
        const [result] = await configProblem(() => eslint.lintText(source, { filePath }));
        if (!result) continue;
        if (result.output !== undefined && result.output !== source) fixes.push({ path: file.path, content: Buffer.from(result.output, "utf8") });
        for (const m of result.messages) {
          if (m.severity < 2 && !o.warnings) continue;
          if (/no matching configuration|File ignored/i.test(m.message)) continue;
          issues.push({
            path: file.path,
            ...(m.line !== undefined ? { line: m.line } : {}),
            ...(m.column !== undefined ? { column: m.column } : {}),
            ...(file.commit !== null ? { commit: file.commit } : {}),
            message: `${m.message}${m.ruleId ? ` (${m.ruleId})` : ""}`,
            fix: m.fatal
              ? "Fix the syntax error."
              : `Fix the code, or disable the rule for this line with a reason: // eslint-disable-next-line ${m.ruleId ?? ""} -- <why>`,
            ...(m.severity < 2 ? { severity: "warn" as const } : {}),
          });
        }
      }
    }
    if (!installed) return { issues, skipped: "eslint is not installed", notice: messages.toolMissing("eslint", "eslint") };
    if (linted === 0 && issues.length === 0) return { issues, skipped: "no staged file is linted" };
    return { issues, fixes };
  },
});

async function createESLint(root: string, fix: boolean): Promise<ESLintInstance | null> {
  const mod = await loadFromProject<ESLintModule>("eslint", root);
  if (!mod) return null;
  return configProblem(async () => {
    const Ctor = mod.loadESLint ? await mod.loadESLint({ useFlatConfig: true, cwd: root }) : mod.ESLint;
    return Ctor ? new Ctor({ cwd: root, fix }) : null;
  });
}

/** eslint throws when it cannot load the config (a syntax error, a plugin that is not installed): the user's to fix. */
async function configProblem<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const reason = (error as Error).message.split("\n")[0] ?? "";
    throw new ConfigError(messages.eslintConfigBroken(reason), { hint: messages.eslintConfigHint, cause: error });
  }
}
