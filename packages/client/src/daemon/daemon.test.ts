/** The lint daemon with real processes, real eslint and prettier and real commits: it answers as the hook would. */
import { describe, expect, it, onTestFinished } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { alive, commitFiles, daemonStatus, lintRepo, startDaemon, stopPid, verdictText, waitForWarm } from "@shipgate/test-utils/daemon";
import { linkTools } from "@shipgate/test-utils";
import type { FileTree, TestRepo } from "@shipgate/test-utils";

const BLOCKED: FileTree = {
  "fix.js": "var   total = {a:1}\nexport default total\n",
  "loud.js": 'console.log("hi")\n',
  "broken.js": "export const = 1;\n",
  "docs/readme.md": "#   Title\n\n*  item\n",
};
const PASSING: FileTree = {
  "fix.js": "var   total = {a:1}\nexport default total\n",
  "lib/util.mjs": "let x = 1\nexport const y = x+1\n",
  "data.json": '{"a":1,\n"b":[1,2]}\n',
  "docs/readme.md": "#   Title\n\n*  item\n",
};
const OFF = { SHIPGATE_DAEMON: "0" };

/**
 * The same commit in two copies of one repository: in `here` linted by the hook alone, in `served` after `serve`
 * (a daemon started, then maybe killed or stale). `each` finishes both copies (more tools).
 */
function sideBySide(staged: FileTree, serve: (repo: TestRepo) => unknown, files: FileTree = {}, each: (repo: TestRepo) => void = () => undefined) {
  const here = lintRepo(files);
  const served = lintRepo(files);
  each(here);
  each(served);
  serve(served);
  return { here, served, alone: commitFiles(here, staged, OFF), daemon: commitFiles(served, staged) };
}

describe("the lint daemon", () => {
  it("refuses the same commit with the same report as the hook alone, and changes nothing", () => {
    const { here, served, alone, daemon } = sideBySide(BLOCKED, (repo) => startDaemon(repo));
    expect(alone.status).toBe(1);
    expect(daemon.status).toBe(1);
    expect(alone.stderr).toContain("Unexpected console statement. (no-console)");
    expect(verdictText(daemon.stderr)).toBe(verdictText(alone.stderr));
    expect(daemonStatus(served)?.requests).toBeGreaterThanOrEqual(2);
    expect(served.git("ls-files", "-s")).toBe(here.git("ls-files", "-s"));
    expect(readFileSync(join(served.dir, "fix.js"), "utf8")).toBe(BLOCKED["fix.js"]);
  });

  it("commits the same fixed tree as the hook alone, fixing the work tree the same way", () => {
    const { here, served, alone, daemon } = sideBySide(PASSING, (repo) => startDaemon(repo));
    expect(alone.status, alone.stderr).toBe(0);
    expect(daemon.status, daemon.stderr).toBe(0);
    expect(verdictText(daemon.stderr)).toBe(verdictText(alone.stderr));
    expect(served.git("rev-parse", "HEAD^{tree}")).toBe(here.git("rev-parse", "HEAD^{tree}"));
    expect(served.git("show", "HEAD:fix.js")).toBe("const total = { a: 1 };\nexport default total;");
    expect(readFileSync(join(served.dir, "lib/util.mjs"), "utf8")).toBe(readFileSync(join(here.dir, "lib/util.mjs"), "utf8"));
    expect(daemonStatus(served)?.requests).toBeGreaterThanOrEqual(2);
  });

  it("reloads when the eslint config changes and applies the new rule at once", () => {
    const repo = lintRepo({ "eslint.config.js": 'export default [{ rules: { "prefer-const": "error" } }];\n' });
    startDaemon(repo);
    expect(commitFiles(repo, { "a.js": 'console.log("a");\n' }).status).toBe(0);
    writeFileSync(join(repo.dir, "eslint.config.js"), 'export default [{ rules: { "no-console": "error" } }];\n');
    const refused = commitFiles(repo, { "b.js": 'console.log("b");\n' });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("b.js:1:1: Unexpected console statement. (no-console)");
    const status = daemonStatus(repo);
    expect(status?.reloads).toBe(1);
    expect(status?.lastReload).toBe(`${join(repo.dir, "eslint.config.js")} changed`);
  });

  it("reloads when a prettier config appears in a directory it has formatted before", () => {
    const repo = lintRepo();
    startDaemon(repo);
    expect(commitFiles(repo, { "src/a.js": "export const a = 'x';\n" }).status).toBe(0);
    expect(repo.git("show", "HEAD:src/a.js")).toBe('export const a = "x";');
    writeFileSync(join(repo.dir, "src", ".prettierrc"), '{ "singleQuote": true }\n');
    expect(commitFiles(repo, { "src/b.js": 'export const b = "y";\n' }).status).toBe(0);
    expect(repo.git("show", "HEAD:src/b.js")).toBe("export const b = 'y';");
    expect(daemonStatus(repo)?.reloads).toBe(1);
  });

  it("falls back to linting in the hook, with the same verdict, when the daemon was killed", () => {
    const { alone, daemon: fallback } = sideBySide(BLOCKED, (repo) => process.kill(startDaemon(repo).pid, "SIGKILL"));
    expect(fallback.status).toBe(1);
    expect(verdictText(fallback.stderr)).toBe(verdictText(alone.stderr));
    expect(fallback.stderr).not.toContain("lint daemon");
  });

  it("falls back, says so and gives the same verdict when the daemon runs with another environment", () => {
    const { alone, daemon: stale } = sideBySide(BLOCKED, (repo) => startDaemon(repo, [], { ...repo.env, NODE_ENV: "production" }));
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain("the lint daemon cannot answer this hook (it was started with other NODE_/ESLINT/PRETTIER environment variables)");
    expect(verdictText(stale.stderr)).toBe(verdictText(alone.stderr));
  });

  it("falls back when the daemon stops answering, and says so", () => {
    const repo = lintRepo();
    const { pid } = startDaemon(repo);
    process.kill(pid, "SIGSTOP");
    try {
      const result = commitFiles(repo, { "a.js": "var a = 1\nexport default a\n" });
      expect(result.status, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/the lint daemon failed \(no answer for \d+ s\), so this commit is linted in process/);
      expect(repo.git("show", "HEAD:a.js")).toBe("const a = 1;\nexport default a;");
    } finally {
      process.kill(pid, "SIGCONT");
    }
  });

  it("stops by itself after its idle time and removes its socket", async () => {
    const repo = lintRepo();
    const { pid } = startDaemon(repo, ["--idle", "2s"]);
    for (let waited = 0; alive(pid) && waited < 600; waited++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(alive(pid)).toBe(false);
    expect(daemonStatus(repo)).toBeNull();
    expect(() => readFileSync(join(repo.dir, ".git/shipgate/daemon/lint.sock"))).toThrow(/ENOENT/);
  });

  it("starts itself in the background when git config shipgate.daemon is on, and serves the next commits", async () => {
    const repo = lintRepo();
    repo.git("config", "shipgate.daemon", "true");
    repo.git("config", "shipgate.daemonIdle", "5m");
    const first = commitFiles(repo, { "a.js": "var a = 1\nexport default a\n" });
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toContain("shipgate: starting the lint daemon in the background (git config shipgate.daemon)");
    const status = await waitForWarm(repo);
    if (status !== null) onTestFinished(() => stopPid(status.pid));
    expect(status?.idleLimitMs).toBe(300_000);
    const second = commitFiles(repo, { "b.js": "var b = 2\nexport default b\n" });
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr).not.toContain("lint daemon");
    expect(repo.git("show", "HEAD:b.js")).toBe("const b = 2;\nexport default b;");
    expect(daemonStatus(repo)?.requests).toBe(2);
  });

  it("leaves type-aware eslint to the hook, which gives the verdict it gives alone", () => {
    const typed: FileTree = {
      "eslint.config.js": [
        'import tseslint from "typescript-eslint";',
        "export default [",
        '  { files: ["**/*.ts"], languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },',
        '    plugins: { "@typescript-eslint": tseslint.plugin }, rules: { "@typescript-eslint/no-floating-promises": "error" } },',
        "];",
        "",
      ].join("\n"),
      "tsconfig.json": '{ "compilerOptions": { "strict": true, "module": "nodenext", "noEmit": true }, "include": ["**/*.ts"] }\n',
    };
    const staged = { "a.ts": "async function f(): Promise<void> {}\nf();\n" };
    const linked = (repo: TestRepo) => linkTools(repo.dir, ["typescript-eslint", "typescript"]);
    const { served, alone, daemon } = sideBySide(staged, (repo) => startDaemon(repo), typed, linked);
    expect(alone.status).toBe(1);
    expect(alone.stderr).toContain("(@typescript-eslint/no-floating-promises)");
    expect(verdictText(daemon.stderr)).toBe(verdictText(alone.stderr));
    expect(daemonStatus(served)?.requests).toBe(2);
  });
});
