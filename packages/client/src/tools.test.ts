/** eslint and prettier as a new user's repository has them: not installed, installed without a config, or broken. */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createRepo, installHooks, linkTools, shipgate, type TestRepo } from "@shipgate/test-utils";

const UGLY = "const   a = {b:1}\n";

function jsRepo(tools: readonly string[], config = "extends: recommended\n"): TestRepo {
  const repo = createRepo();
  if (tools.length > 0) linkTools(repo.dir, tools);
  repo.write({ "package.json": '{ "name": "app", "type": "module" }\n', ".gitignore": "node_modules/\n", ".shipgate.yml": config });
  repo.git("add", "-A");
  repo.git("commit", "-q", "--no-verify", "-m", "chore: init");
  installHooks(repo);
  return repo;
}

function commit(repo: TestRepo, files: Record<string, string>, message = "feat: add code") {
  repo.write(files);
  repo.git("add", "-A");
  return repo.gitRaw(["commit", "-q", "-m", message]);
}

const count = (text: string, part: string) => text.split(part).length - 1;

describe("tools a repository may not have", () => {
  it("says once per run that eslint and prettier are not installed, and shipgate policies shows it", () => {
    const repo = jsRepo([]);
    const result = commit(repo, { "a.js": UGLY });
    expect(result.status, result.stderr).toBe(0);
    expect(count(result.stderr, "eslint is not installed here, so the eslint policy did not run: npm install --save-dev eslint")).toBe(1);
    expect(count(result.stderr, "prettier is not installed here, so the prettier policy did not run: npm install --save-dev prettier")).toBe(1);
    const listed = shipgate(["policies"], { cwd: repo.dir }).stdout;
    expect(listed).toMatch(/^ {2}eslint +error +not installed \(npm install --save-dev eslint\), so it does not run/m);
    expect(listed).toMatch(/^ {2}prettier +error +not installed \(npm install --save-dev prettier\), so it does not run/m);
  });

  it("skips eslint with a notice when the repository has no eslint config, and calls a broken one a configuration problem", () => {
    const repo = jsRepo(["eslint"], "policies:\n  eslint: error\n");
    const skipped = commit(repo, { "a.js": "export const a = 1;\n" });
    expect(skipped.status, skipped.stderr).toBe(0);
    expect(count(skipped.stderr, "eslint is installed but this repository has no eslint config (eslint.config.js), so eslint did not run")).toBe(1);

    repo.write({ "eslint.config.js": "export default [{ rules: { semi: 'error' } }\n" });
    const broken = commit(repo, { "b.js": "export const b = 2;\n" });
    expect(broken.status).not.toBe(0);
    expect(broken.stderr).toContain("error eslint cannot load the repository's eslint config:");
    expect(broken.stderr).toContain("fix: Fix the eslint config (npx eslint <file> shows the whole error)");
    expect(broken.stderr).not.toContain("internal error");

    repo.write({ "eslint.config.js": "export default [{ rules: { semi: 'error' } }];\n" });
    const linted = commit(repo, { "c.js": "export const c = 3\n" });
    expect(linted.status, linted.stderr).toBe(0);
    expect(repo.git("show", "HEAD:c.js")).toBe("export const c = 3;");
  });

  it("formats nothing without a prettier config, says so once, and formats with prettier's defaults when requireConfig is false", () => {
    const repo = jsRepo(["prettier"], "policies:\n  prettier: error\n");
    rmSync(join(repo.dir, ".prettierrc"));
    const kept = commit(repo, { "a.js": UGLY });
    expect(kept.status, kept.stderr).toBe(0);
    expect(count(kept.stderr, "this repository has no prettier config, so prettier formatted nothing")).toBe(1);
    expect(repo.git("show", "HEAD:a.js") + "\n").toBe(UGLY);

    repo.write({ ".shipgate.yml": "policies:\n  prettier: { requireConfig: false }\n" });
    const formatted = commit(repo, { "b.js": UGLY });
    expect(formatted.status, formatted.stderr).toBe(0);
    expect(formatted.stderr).not.toContain("no prettier config");
    expect(repo.git("show", "HEAD:b.js") + "\n").toBe("const a = { b: 1 };\n");
    expect(readFileSync(join(repo.dir, "b.js"), "utf8")).toBe("const a = { b: 1 };\n");
  });

  it("lets an .npmrc of plain settings in, while a token in it is still refused", () => {
    const repo = jsRepo([]);
    const settings = commit(repo, { ".npmrc": "save-exact=true\n" }, "chore: pin versions");
    expect(settings.status, settings.stderr).toBe(0);
    const token = commit(
      repo,
      { ".npmrc": "save-exact=true\n//registry.npmjs.org/:_authToken=npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8\n" },
      "chore: add token",
    );
    expect(token.status).not.toBe(0);
    expect(token.stderr).toMatch(/error \.npmrc:2:\d+: npm token found on an added line/);
    expect(token.stderr).toContain("✔ forbidden-paths");
  });
});
