import { describe, expect, it } from "vitest";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { createRepo, linkShipgateBin, linkTools, shipgate, type TestRepo } from "@shipgate/test-utils";

function jsRepo(pkgDir = ""): TestRepo {
  const repo = createRepo({ files: { [join(pkgDir, "package.json")]: '{\n  "name": "app",\n  "version": "1.0.0"\n}\n', "README.md": "# app\n" } });
  const dir = join(repo.dir, pkgDir);
  linkTools(dir, ["husky"]);
  linkShipgateBin(dir);
  return repo;
}

const tryCommit = (repo: TestRepo, message: string, cwd = repo.dir) => {
  return repo.gitRaw(["-C", cwd, "commit", "-q", "--allow-empty", "-m", message]);
};

describe("shipgate init", () => {
  it("installs husky hooks, the prepare script and .shipgate.yml, and the hooks run on git commit", () => {
    const repo = jsRepo();
    const result = shipgate(["init"], { cwd: repo.dir });
    expect(result.code, result.stderr).toBe(0);
    for (const hook of ["pre-commit", "commit-msg", "pre-push"]) {
      expect(statSync(join(repo.dir, ".husky", hook)).mode & 0o111).not.toBe(0);
    }
    const pkg = JSON.parse(readFileSync(join(repo.dir, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(pkg.scripts["prepare"]).toBe("husky");
    expect(pkg.devDependencies["husky"]).toBeDefined();
    expect(readFileSync(join(repo.dir, ".shipgate.yml"), "utf8")).toContain("extends: recommended");
    expect(repo.git("config", "core.hooksPath")).toBe(".husky/_");
    expect(tryCommit(repo, "bad message").status).not.toBe(0);
    expect(tryCommit(repo, "feat: good message").status).toBe(0);
  });

  it("is idempotent: a second run changes nothing", () => {
    const repo = jsRepo();
    shipgate(["init"], { cwd: repo.dir });
    const before = ["package.json", ".husky/pre-commit", ".shipgate.yml"].map((f) => readFileSync(join(repo.dir, f), "utf8"));
    expect(shipgate(["init"], { cwd: repo.dir }).code).toBe(0);
    const after = ["package.json", ".husky/pre-commit", ".shipgate.yml"].map((f) => readFileSync(join(repo.dir, f), "utf8"));
    expect(after).toEqual(before);
  });

  it("works when package.json is in a subfolder of the git root", () => {
    const repo = jsRepo("web");
    const result = shipgate(["init"], { cwd: join(repo.dir, "web") });
    expect(result.code, result.stderr).toBe(0);
    const pkg = JSON.parse(readFileSync(join(repo.dir, "web", "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts["prepare"]).toBe("cd .. && husky web/.husky");
    expect(repo.git("config", "core.hooksPath")).toBe("web/.husky/_");
    expect(existsSync(join(repo.dir, ".shipgate.yml"))).toBe(true);
    expect(tryCommit(repo, "bad message").status).not.toBe(0);
    expect(tryCommit(repo, "fix: good", join(repo.dir, "web")).status).toBe(0);
  });

  it("works in a linked worktree", () => {
    const repo = jsRepo();
    const worktree = join(repo.dir, "..", `${repo.dir.split("/").pop() ?? "wt"}-wt`);
    repo.git("worktree", "add", "-q", "-b", "wt", worktree);
    linkTools(worktree, ["husky"]);
    linkShipgateBin(worktree);
    const result = shipgate(["init"], { cwd: worktree });
    expect(result.code, result.stderr).toBe(0);
    expect(repo.gitRaw(["-C", worktree, "commit", "-q", "--allow-empty", "-m", "nope"]).status).not.toBe(0);
    expect(repo.gitRaw(["-C", worktree, "commit", "-q", "--allow-empty", "-m", "chore: yes"]).status).toBe(0);
    repo.git("worktree", "remove", "--force", worktree);
  });

  it("refuses clearly when core.hooksPath already points somewhere else, and --force overrides", () => {
    const repo = jsRepo();
    repo.git("config", "core.hooksPath", "tools/hooks");
    const refused = shipgate(["init"], { cwd: repo.dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("core.hooksPath is already set to tools/hooks");
    expect(refused.stderr).toContain("git config --unset core.hooksPath");
    expect(existsSync(join(repo.dir, ".husky"))).toBe(false);
    expect(shipgate(["init", "--force"], { cwd: repo.dir }).code).toBe(0);
  });

  it("keeps a hook the user already had and adds shipgate after it", () => {
    const repo = jsRepo();
    repo.write({ ".husky/pre-commit": "echo custom-step\n" });
    shipgate(["init"], { cwd: repo.dir });
    const hook = readFileSync(join(repo.dir, ".husky", "pre-commit"), "utf8");
    expect(hook.startsWith("echo custom-step\n")).toBe(true);
    expect(hook).toContain("shipgate");
  });

  /** Stages a file prettier fixes, commits, and expects the other tool's refusal and shipgate's undo of the fix. */
  function expectRefusedAndUndone(repo: TestRepo, refusal: string): void {
    repo.write({ "src/a.js": "const a = {b:1}\n" });
    repo.git("add", "src/a.js");
    const staged = repo.git("ls-files", "-s", "src/a.js");
    const refused = repo.gitRaw(["commit", "-m", "feat: add a"]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain(refusal);
    expect(refused.stderr).toContain("undid the fixes");
    expect(repo.git("ls-files", "-s", "src/a.js")).toBe(staged);
    expect(readFileSync(join(repo.dir, "src/a.js"), "utf8")).toBe("const a = {b:1}\n");
  }

  it("puts a trap into commit-msg so that another tool refusing the message there undoes pre-commit's fixes", () => {
    const repo = jsRepo();
    linkTools(repo.dir, ["prettier"]);
    repo.write({ ".husky/commit-msg": "grep -q 'JIRA-[0-9]' \"$1\" || { echo 'other tool: no ticket' >&2; exit 1; }\n" });
    expect(shipgate(["init"], { cwd: repo.dir }).code).toBe(0);
    const hook = readFileSync(join(repo.dir, ".husky", "commit-msg"), "utf8");
    expect(hook.indexOf("trap shipgate_undo EXIT")).toBeLessThan(hook.indexOf("grep -q"));
    repo.git("add", "-A");
    expect(tryCommit(repo, "chore: adopt shipgate JIRA-1").status).toBe(0);

    expectRefusedAndUndone(repo, "other tool: no ticket");
    expect(repo.gitRaw(["commit", "-m", "feat: add a JIRA-2"]).status).toBe(0);
    expect(repo.git("show", "HEAD:src/a.js")).toBe("const a = { b: 1 };");
  });

  it("puts the trap into the user's own prepare-commit-msg, so that its refusal undoes pre-commit's fixes too", () => {
    const repo = jsRepo();
    linkTools(repo.dir, ["prettier"]);
    repo.write({ ".husky/prepare-commit-msg": '#!/bin/sh\n[ -f .ready ] || { echo "other tool: not ready" >&2; exit 1; }\n' });
    expect(shipgate(["init"], { cwd: repo.dir }).code).toBe(0);
    const hook = readFileSync(join(repo.dir, ".husky", "prepare-commit-msg"), "utf8");
    expect(hook.startsWith("#!/bin/sh\n# shipgate:")).toBe(true);
    expect(hook.indexOf("trap shipgate_undo EXIT")).toBeLessThan(hook.indexOf("other tool"));
    expect(shipgate(["init"], { cwd: repo.dir }).code).toBe(0);
    expect(readFileSync(join(repo.dir, ".husky", "prepare-commit-msg"), "utf8")).toBe(hook);
    repo.write({ ".ready": "" });
    repo.git("add", "-A");
    expect(tryCommit(repo, "chore: adopt shipgate").status).toBe(0);

    repo.git("rm", "-q", ".ready");
    expectRefusedAndUndone(repo, "other tool: not ready");
  });

  it("refuses an unknown preset, naming the nearest one, and writes nothing", () => {
    const repo = jsRepo();
    for (const [preset, line] of [
      ["nope", 'shipgate: unknown preset "nope"'],
      ["strct", 'shipgate: unknown preset "strct" (did you mean strict?)'],
    ] as const) {
      const result = shipgate(["init", "--preset", preset], { cwd: repo.dir });
      expect(result.code).toBe(2);
      expect(result.stderr.split("\n")[0]).toBe(line);
      expect(result.stderr).toContain("Use one of the built-in presets: recommended, strict");
    }
    expect(existsSync(join(repo.dir, ".shipgate.yml"))).toBe(false);
    expect(existsSync(join(repo.dir, ".husky"))).toBe(false);
    expect(repo.gitRaw(["config", "core.hooksPath"]).status).not.toBe(0);
  });

  it("keeps an existing config when --preset asks for another and says how to switch; --force replaces it", () => {
    const repo = jsRepo();
    repo.write({ ".shipgate.yml": "extends: recommended\npolicies:\n  prettier: off\n" });
    const kept = shipgate(["init", "--preset", "strict"], { cwd: repo.dir });
    expect(kept.code).toBe(0);
    expect(kept.stdout).not.toContain("kept your existing"); // said once, on stderr, with how to apply the preset
    expect(kept.stderr).toContain(
      "shipgate: kept your existing .shipgate.yml; --preset strict was not applied. Set `extends: strict` in it, or replace it: shipgate init --preset strict --force",
    );
    expect(readFileSync(join(repo.dir, ".shipgate.yml"), "utf8")).toBe("extends: recommended\npolicies:\n  prettier: off\n");
    const replaced = shipgate(["init", "--preset", "strict", "--force"], { cwd: repo.dir });
    expect(replaced.code).toBe(0);
    expect(replaced.stdout).toContain("shipgate: replaced .shipgate.yml (extends strict)");
    expect(readFileSync(join(repo.dir, ".shipgate.yml"), "utf8")).toContain("extends: strict");
    expect(shipgate(["init"], { cwd: repo.dir }).stderr).not.toContain("was not applied");
  });

  it("names the one command that installs husky and activates the hooks when husky is missing, for the project's package manager", () => {
    const repo = createRepo({ files: { "web/package.json": '{ "name": "app" }\n', "web/pnpm-lock.yaml": "lockfileVersion: '9.0'\n" } });
    linkShipgateBin(join(repo.dir, "web"));
    const sub = shipgate(["init"], { cwd: join(repo.dir, "web") });
    expect(sub.code).toBe(0);
    expect(sub.stdout).not.toContain("hooks are active");
    expect(sub.stderr).toContain("husky is not installed yet, so the hooks are written but NOT active. Activate them now: pnpm install (");
    const plain = createRepo({ files: { "package.json": '{ "name": "app" }\n' } });
    expect(shipgate(["init"], { cwd: plain.dir }).stderr).toContain("Activate them now: npm install (");
  });
});
