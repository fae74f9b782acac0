/**
 * The client as a user gets it: the npm-packed tarballs installed into a fresh project with npm, husky and prettier
 * from the registry, `shipgate init`, then real `git commit` and `git push`.
 */
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createRepo, run } from "@shipgate/test-utils";
import { installTarballs } from "@shipgate/test-utils/pack";

describe("installed from the npm tarballs", () => {
  it("init, then commits and pushes are checked and fixed by the installed hooks", { timeout: 600_000 }, async () => {
    const remote = createRepo({ bare: true });
    const repo = createRepo();
    const env = { ...repo.env, PATH: `${join(repo.dir, "node_modules", ".bin")}:${process.env["PATH"] ?? ""}` };
    await installTarballs(repo.dir, ["shipgate"]);
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", "--save-dev", "husky@^9.1.7", "prettier@^3.6.0"], {
      cwd: repo.dir,
      stdio: ["ignore", "ignore", "pipe"],
    });
    // A project that formats with prettier has a prettier config (prettier's defaults here).
    repo.write({ ".gitignore": "node_modules/\n", ".prettierrc": "{}\n" });

    const init = run("./node_modules/.bin/shipgate", ["init"], { cwd: repo.dir, env });
    expect(init.code, init.stderr).toBe(0);
    expect(repo.git("config", "core.hooksPath")).toBe(".husky/_");
    const pkg = JSON.parse(readFileSync(join(repo.dir, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts["prepare"]).toBe("husky");

    repo.git("add", "-A");
    const refused = repo.gitRaw(["commit", "-q", "-m", "initial stuff"], { env });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain("is not a Conventional Commit");
    expect(repo.gitRaw(["rev-parse", "--verify", "-q", "HEAD"]).status).not.toBe(0);

    const first = repo.gitRaw(["commit", "-q", "-m", "chore: set up shipgate"], { env });
    expect(first.status, first.stderr).toBe(0);

    repo.write({ "src/app.js": "const   app = {name:'demo'}\n" });
    repo.git("add", "src/app.js");
    repo.write({ "src/app.js": "const   app = {name:'demo'}\n// not staged yet\n" });
    const fixed = repo.gitRaw(["commit", "-q", "-m", "feat: add app"], { env });
    expect(fixed.status, fixed.stderr).toBe(0);
    expect(repo.git("show", "HEAD:src/app.js")).toBe('const app = { name: "demo" };');
    expect(readFileSync(join(repo.dir, "src/app.js"), "utf8")).toBe("const   app = {name:'demo'}\n// not staged yet\n");

    repo.git("remote", "add", "origin", remote.dir);
    repo.write({ "leak.txt": "slack = xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx\n" });
    repo.git("add", "leak.txt");
    repo.git("commit", "-q", "--no-verify", "-m", "feat: sneak past the client hook");
    const push = repo.gitRaw(["push", "-q", "origin", "main"], { env });
    expect(push.status).not.toBe(0);
    expect(push.stderr).toMatch(/leak\.txt:1/);
    expect(remote.gitRaw(["rev-parse", "--verify", "-q", "refs/heads/main"]).status).not.toBe(0);
  });
});
