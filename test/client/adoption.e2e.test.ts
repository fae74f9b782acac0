/**
 * Adopting shipgate without the registry, as the README says: `pnpm pack:all` writes the tarballs, a project installs
 * them with npm, `shipgate init` without husky names the command that activates the hooks, and that command does.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepo, run } from "@shipgate/test-utils";
import { ensureBuilt, publishablePackages, workspaceRoot } from "@shipgate/test-utils/pack";

interface Manifest {
  name: string;
  version: string;
  files?: string[];
}

let out = "";

beforeAll(async () => {
  await ensureBuilt();
  out = join(mkdtempSync(join(tmpdir(), "shipgate-pack-all-")), "dist-packages");
  // What `pnpm pack:all <folder>` runs after its build (the suite has built already).
  execFileSync(process.execPath, [join(workspaceRoot, "scripts", "pack-all.mjs"), out], { cwd: workspaceRoot, stdio: ["ignore", "ignore", "pipe"] });
}, 300_000);

afterAll(() => rmSync(dirname(out), { recursive: true, force: true }));

describe("installing from pnpm pack:all's folder", () => {
  it("writes one tarball per publishable package, each listing only files that exist", () => {
    const packages = publishablePackages().map(({ dir }) => ({ dir, ...(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest) }));
    expect(packages.map((pkg) => pkg.name)).not.toContain("@shipgate/test-utils");
    expect(readdirSync(out).sort()).toEqual(packages.map((pkg) => `${pkg.name.replace(/^@/, "").replace("/", "-")}-${pkg.version}.tgz`).sort());
    for (const pkg of packages) for (const entry of pkg.files ?? []) expect(existsSync(join(pkg.dir, entry)), `${pkg.name}: files lists ${entry}`).toBe(true);
  });

  it("npm install -D ./dist-packages/*.tgz, then init without husky names the command that activates the hooks, and it does", { timeout: 600_000 }, () => {
    const repo = createRepo({ files: { "package.json": '{\n  "name": "app",\n  "version": "1.0.0"\n}\n', ".gitignore": "node_modules/\ndist-packages/\n" } });
    cpSync(out, join(repo.dir, "dist-packages"), { recursive: true });
    const env = { ...repo.env, PATH: `${join(repo.dir, "node_modules", ".bin")}:${process.env["PATH"] ?? ""}`, npm_config_workspaces: "false" };
    const sh = (command: string) => run("sh", ["-c", command], { cwd: repo.dir, env });

    const install = sh("npm install -D --no-audit --no-fund --loglevel=error ./dist-packages/*.tgz");
    expect(install.code, install.stderr).toBe(0);
    const version = sh("npx shipgate --version");
    const pkg = JSON.parse(readFileSync(join(workspaceRoot, "packages", "cli", "package.json"), "utf8")) as { version: string };
    expect(version.stdout).toBe(`${pkg.version}\n`);
    expect(version.code).toBe(0);

    const init = sh("npx shipgate init");
    expect(init.code, init.stderr).toBe(0);
    const advice = /Activate them now: (.+?) \(/.exec(init.stderr)?.[1];
    expect(advice).toBe("npm install");
    expect(repo.gitRaw(["config", "core.hooksPath"]).status).not.toBe(0);

    const activate = sh(`${advice ?? ""} --no-audit --no-fund --loglevel=error`);
    expect(activate.code, activate.stderr).toBe(0);
    expect(repo.git("config", "core.hooksPath")).toBe(".husky/_");

    repo.write({ "src/app.js": "export const app = 1;\n" });
    repo.git("add", "-A");
    const refused = repo.gitRaw(["commit", "-q", "-m", "initial stuff"], { env });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('header "initial stuff" is not a Conventional Commit');
    const accepted = repo.gitRaw(["commit", "-q", "-m", "chore: adopt shipgate"], { env });
    expect(accepted.status, accepted.stderr).toBe(0);
    expect(accepted.stderr.split("eslint is not installed here").length - 1).toBe(1);
    expect(accepted.stderr.split("prettier is not installed here").length - 1).toBe(1);
  });
});
