/** Worker threads run eslint and prettier jobs with the outcomes this thread gives, and survive workers that die. */
import { describe, expect, it, onTestFinished } from "vitest";
import { join } from "node:path";
import { localTools, type EslintJob, type PrettierJob } from "@shipgate/core";
import { commitFiles, lintRepo } from "@shipgate/test-utils/daemon";
import { SPREAD_AT } from "./daemon-or-local.js";
import { entryScript } from "./identity.js";
import { LintPool, type PoolOptions } from "./pool.js";

const SOURCES = [
  "var a = {x:1}\nexport default a\n",
  'console.log("loud")\n',
  "export const = 1;\n",
  "let b = 2\nexport { b }\n",
  "export const c = [1,2,3].map(function (x) { return x*x })\n",
  "export function d(v) {\n  return v\n}\n",
];

function pool(options: Partial<PoolOptions> = {}): LintPool {
  const created = new LintPool({
    inline: false,
    minWorkers: 2,
    maxWorkers: 2,
    spreadAt: 1,
    declineTypeAware: false,
    script: entryScript("lint-worker"),
    ...options,
  });
  onTestFinished(() => created.close());
  return created;
}

describe("the lint pool", () => {
  it("runs eslint and prettier jobs on two worker threads with the outcomes of this thread, in order", async () => {
    const { dir } = lintRepo();
    const eslint: EslintJob[] = SOURCES.flatMap((source, i) =>
      [0, 1].map((k) => ({ root: dir, fix: k === 0, filePath: join(dir, `src/f${i}-${k}.js`), source })),
    );
    const prettier: PrettierJob[] = SOURCES.map((source, i) => ({ cwd: dir, requireConfig: true, filePath: join(dir, `src/f${i}.js`), source }));
    const workers = pool();
    const started: number[] = [];
    expect(await workers.run({ tool: "eslint", jobs: eslint }, (i) => started.push(i))).toEqual(await localTools.run({ tool: "eslint", jobs: eslint }));
    expect(await workers.run({ tool: "prettier", jobs: prettier })).toEqual(await localTools.run({ tool: "prettier", jobs: prettier }));
    expect(started.sort((a, b) => a - b)).toEqual(eslint.map((_, i) => i));
    expect(workers.workers).toBe(2);
  });

  it("stops the workers a spread started once trimmed, down to the ones it keeps", async () => {
    const { dir } = lintRepo();
    const workers = pool({ minWorkers: 1, maxWorkers: 2, spreadAt: 2 });
    expect(workers.workers).toBe(1);
    const jobs = SOURCES.map((source, i) => ({ cwd: dir, requireConfig: true, filePath: join(dir, `f${i}.js`), source }));
    await workers.run({ tool: "prettier", jobs });
    expect(workers.workers).toBe(2);
    workers.trim();
    expect(workers.workers).toBe(1);
    expect(await workers.run({ tool: "prettier", jobs: jobs.slice(0, 1) })).toEqual(await localTools.run({ tool: "prettier", jobs: jobs.slice(0, 1) }));
  });

  it("declines eslint jobs whose config lints with type information, when told to", async () => {
    const { dir } = lintRepo({
      "eslint.config.js":
        'export default [{ files: ["typed/**"], languageOptions: { parserOptions: { projectService: true } } }, { rules: { "no-var": "error" } }];\n',
    });
    const jobs = ["typed/a.js", "plain/b.js"].map((path) => ({ root: dir, fix: true, filePath: join(dir, path), source: "var a = 1\n" }));
    const outcomes = await pool({ declineTypeAware: true }).runWire({ tool: "eslint", jobs });
    expect(outcomes[0]).toEqual({ kind: "declined" });
    expect(outcomes[1]).toMatchObject({ kind: "linted", output: "let a = 1\n" });
  });

  it("fails a run whose job kills every worker it is given, instead of waiting forever", async () => {
    const { dir } = lintRepo({ "eslint.config.js": "process.exit(3);\nexport default [];\n" });
    const run = pool({ minWorkers: 1, maxWorkers: 1 }).run({ tool: "eslint", jobs: [{ root: dir, fix: true, filePath: join(dir, "a.js"), source: "" }] });
    await expect(run).rejects.toThrow("the lint worker exited (code 3)");
  });

  it("spreads a hook's many staged files over worker threads and commits each file's own fix, exiting with the verdict", () => {
    const repo = lintRepo();
    const files = Object.fromEntries(Array.from({ length: SPREAD_AT + 8 }, (_, i) => [`src/m${i}.js`, `var   v${i} = {k:${i}}\nexport default v${i}\n`]));
    const result = commitFiles(repo, files, { SHIPGATE_DAEMON: "0", SHIPGATE_LINT_THREADS: "1" });
    expect(result.status, result.stderr).toBe(0);
    for (let i = 0; i < SPREAD_AT + 8; i++) expect(repo.git("show", `HEAD:src/m${i}.js`)).toBe(`const v${i} = { k: ${i} };\nexport default v${i};`);
  });
});
