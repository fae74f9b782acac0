/** prettier: staged files are formatted with the repository's own prettier and config; formatted at pre-commit. */
import * as v from "valibot";
import { dirname, join, sep } from "node:path";
import { latestTextFiles } from "../change/types.js";
import { definePolicy, type Fix, type Issue } from "./policy.js";
import { compileGlobs } from "../glob.js";
import { loadFromProject } from "./load-tool.js";
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

interface PrettierModule {
  resolveConfigFile(path: string): Promise<string | null>;
  getFileInfo(path: string, options: { ignorePath?: string[]; resolveConfig?: boolean }): Promise<{ ignored: boolean; inferredParser: string | null }>;
  resolveConfig(path: string, options?: { editorconfig?: boolean }): Promise<Record<string, unknown> | null>;
  format(source: string, options: Record<string, unknown>): Promise<string>;
}

export default definePolicy({
  id: "prettier",
  summary: "staged files are formatted by the repository's prettier (formatted at pre-commit)",
  stages: ["pre-commit", "ci"],
  options,
  lines: "none",
  fixer: true,
  tool: "prettier",
  async check({ change, options: o, cwd, read, fixing, working }) {
    const excluded = compileGlobs(o.exclude);
    const files = latestTextFiles(change.files).filter((f) => !excluded(f.path));
    if (files.length === 0) return { issues: [], skipped: "no staged file to format" };
    const issues: Issue[] = [];
    const fixes: Fix[] = [];
    let formatted = 0;
    let installed = false;
    let unconfigured = 0;
    const configured = configuredIn(cwd);
    for (const [index, file] of files.entries()) {
      const filePath = join(cwd, file.path);
      working?.(file, index, files.length);
      const prettier = await loadFromProject<PrettierModule>("prettier", dirname(filePath));
      if (!prettier) continue;
      installed = true;
      if (o.requireConfig && !(await configured(prettier, dirname(filePath)))) {
        unconfigured++;
        continue;
      }
      const info = await prettier.getFileInfo(filePath, { ignorePath: [join(cwd, ".prettierignore"), join(cwd, ".gitignore")], resolveConfig: true });
      if (info.ignored || info.inferredParser === null) continue;
      formatted++;
      const source = (await read(file)).toString("utf8");
      const config = (await prettier.resolveConfig(filePath, { editorconfig: true })) ?? {};
      let output: string;
      try {
        output = await prettier.format(source, { ...config, filepath: filePath });
      } catch (error) {
        const message = (error as Error).message.split("\n")[0] ?? "";
        const loc = /\((\d+):(\d+)\)/.exec(message);
        issues.push({
          path: file.path,
          ...(loc ? { line: Number(loc[1]), column: Number(loc[2]) } : {}),
          message: `prettier cannot parse it: ${message}`,
          fix: "Fix the syntax error.",
        });
        continue;
      }
      if (output === source) continue;
      if (fixing && o.fix) fixes.push({ path: file.path, content: Buffer.from(output, "utf8") });
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
  },
});

/** Whether a directory is under a prettier config inside the repository (`root`), asked once per directory and run. */
function configuredIn(root: string): (prettier: PrettierModule, dir: string) => Promise<boolean> {
  const known = new Map<string, Promise<boolean>>();
  return (prettier, dir) => {
    let answer = known.get(dir);
    if (answer === undefined) {
      answer = prettier.resolveConfigFile(join(dir, "noop.js")).then((file) => file !== null && (file === root || file.startsWith(`${root}${sep}`)));
      known.set(dir, answer);
    }
    return answer;
  };
}
