/**
 * The plugin seam end to end: a package's policy entry is validated against its own options and honoured the same
 * way at pre-push, pre-receive and the gate, through the real CLI, a real bare repository with the installed hook
 * and real git.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createRepo, run } from "@shipgate/test-utils";
import { ensureBuilt } from "@shipgate/test-utils/pack";
import { createGate, workspaceShipgate } from "../server/fixture.js";

beforeAll(async () => {
  await ensureBuilt();
});

/** A repository with a released migration (tag v1) and a later commit that edits it. */
function releasedThenEdited(config: string) {
  const repo = createRepo({ files: { "migrations/001_init.sql": "CREATE TABLE a (id int);\n", ".shipgate.yml": config } });
  repo.git("tag", "v1");
  const released = repo.git("rev-parse", "HEAD");
  const edited = repo.commit("fix: widen a.id", { "migrations/001_init.sql": "CREATE TABLE a (id bigint);\n" });
  return { repo, released, edited };
}

function shipgate(cwd: string, env: NodeJS.ProcessEnv, args: string[], input?: string) {
  return run(process.execPath, [workspaceShipgate, ...args], { cwd, env, ...(input === undefined ? {} : { input }) });
}

const WARN_AT_PRE_PUSH = "policies:\n  commit-message: off\n  migrations-immutable:\n    severity: warn\n    stages: [pre-push]\n";

describe("a plugin's policy entry", () => {
  it("is honoured with its severity and stages at pre-push, pre-receive and the gate alike", async () => {
    const { repo, released, edited } = releasedThenEdited(WARN_AT_PRE_PUSH);
    // pre-push: runs, as a warning, so the push goes ahead.
    const prePush = shipgate(repo.dir, repo.env, ["run", "pre-push", "origin", "unused"], `refs/heads/main ${edited} refs/heads/main ${released}\n`);
    expect(prePush.stderr).toMatch(/warn.*migrations-immutable|migrations-immutable.*warn/s);
    expect(prePush.stderr).toContain("which release v1 already contains");
    expect(prePush.code).toBe(0);

    // pre-receive: not among its stages, so the server accepts the edit it would otherwise refuse.
    const gate = createGate(WARN_AT_PRE_PUSH);
    repo.git("push", "-q", gate.remote.dir, released + ":refs/heads/main", "v1");
    const pushed = repo.gitRaw(["push", gate.remote.dir, "main"]);
    expect(pushed.status, pushed.stderr).toBe(0);
    expect(gate.audit().at(-1)).toMatchObject({ verdict: "accepted", findingCount: 0 });

    // the gate: not among its stages either; without the entry the gate runs it as an error by default.
    const gated = shipgate(repo.dir, repo.env, ["gate", "--from", "v1", "--to", "HEAD", "--static"]);
    expect(gated.code, gated.stdout + gated.stderr).toBe(0);
    expect(gated.stdout).not.toContain("migrations-immutable");
    repo.commit("chore: default gate", { ".shipgate.yml": "policies:\n  commit-message: off\n" });
    const byDefault = shipgate(repo.dir, repo.env, ["gate", "--from", "v1", "--to", "HEAD", "--static"]);
    expect(byDefault.code).toBe(1);
    expect(byDefault.stdout).toContain("which release v1 already contains");
  });

  it("is refused with its key path when one of its own options has the wrong type", () => {
    const { repo } = releasedThenEdited("policies:\n  migrations-immutable:\n    tags: 5\n");
    const result = shipgate(repo.dir, repo.env, ["check", "--staged"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("policies.migrations-immutable.tags:");
  });
});

describe("shipgate policies", () => {
  it("lists every policy of core and of every installed package, with the package it comes from", () => {
    const repo = createRepo({ files: { "README.md": "x\n" } });
    const result = shipgate(repo.dir, repo.env, ["policies"]);
    expect(result.code).toBe(0);
    for (const id of ["commit-message", "secrets", "protected-refs", "eslint", "prettier"]) expect(result.stdout).toMatch(new RegExp(`^  ${id} `, "m"));
    expect(result.stdout).toMatch(/^ {2}migrations +off .*\(from @shipgate\/migrations\)$/m);
    expect(result.stdout).toMatch(/^ {2}migrations-immutable +off .*\(from @shipgate\/migrations\)$/m);
  });
});
