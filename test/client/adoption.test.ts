/**
 * Adopting shipgate in a repository with a long history that breaks every policy: the baseline `init` records keeps
 * old commits out of judgement at pre-push, pre-receive, `check --all` and the gate, and a new bad commit is still
 * refused everywhere.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createRepo, run, shipgate, type TestRepo } from "@shipgate/test-utils";
import { ensureBuilt } from "@shipgate/test-utils/pack";
import { createGate } from "../server/fixture.js";

beforeAll(async () => {
  await ensureBuilt();
});

const FAKE_NPM_TOKEN = "npm_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";
const FAKE_GITHUB_TOKEN = "ghp_" + "0123456789abcdefABCDEF0123456789abcd";

/** 300 commits with bad messages, an old `.npmrc` holding a token, a `.env` and a token in code, via fast-import. */
function oldHistory(repo: TestRepo, count: number): void {
  const parts: string[] = [];
  const blob = (mark: number, text: string) => parts.push(`blob\nmark :${mark}\ndata ${Buffer.byteLength(text)}\n${text}\n`);
  blob(1, '{ "name": "legacy", "version": "1.0.0", "private": true }\n');
  blob(2, `//registry.npmjs.org/:_authToken=${FAKE_NPM_TOKEN}\n`);
  blob(3, "DATABASE_PASSWORD=hunter2hunter2\n");
  for (let i = 0; i < count; i++) {
    blob(100 + i, `export const token${i} = "${FAKE_GITHUB_TOKEN}";\n`);
    const message = i % 3 === 0 ? `WIP stuff ${i}` : i % 3 === 1 ? `fixed it ${i}.` : `Update file${i}.js`;
    const time = 1700000000 + i * 60;
    parts.push(
      `commit refs/heads/main\ncommitter Old Dev <old@example.com> ${time} +0000\ndata ${Buffer.byteLength(message)}\n${message}\n` +
        (i === 0 ? "M 100644 :1 package.json\nM 100644 :2 .npmrc\nM 100644 :3 .env\n" : "") +
        `M 100644 :${100 + i} src/file${i}.js\n`,
    );
  }
  repo.gitRaw(["fast-import", "--quiet"], { input: parts.join("") });
  repo.git("reset", "-q", "--hard", "main");
}

describe("adopting shipgate in a repository with 300 old commits that break every policy", () => {
  it("passes the old history at pre-push, pre-receive, check --all and the gate, and still refuses a new bad commit", () => {
    const repo = createRepo({ branch: "main" });
    oldHistory(repo, 300);
    const adoptedAt = repo.git("rev-parse", "HEAD");

    const init = shipgate(["init"], { cwd: repo.dir, env: repo.env });
    expect(init.code, init.stderr).toBe(0);
    repo.git("add", "-A");
    repo.git("commit", "-q", "--no-verify", "-m", "chore: adopt shipgate");
    expect(run("cat", [".shipgate.yml"], { cwd: repo.dir }).stdout).toContain(`baseline: { commit: ${adoptedAt}, reason: "adopted shipgate" }`);

    // pre-push: what a first push to a new remote would check (every commit is new there).
    const prePush = shipgate(["run", "pre-push", "origin", "unused"], {
      cwd: repo.dir,
      env: repo.env,
      input: `refs/heads/main ${repo.git("rev-parse", "HEAD")} refs/heads/main ${"0".repeat(40)}\n`,
    });
    expect(prePush.code, prePush.stderr).toBe(0);

    // pre-receive: the server's own config sets the baseline (a pushed one is never trusted there).
    const gate = createGate(`extends: recommended\nbaseline: { commit: ${adoptedAt}, reason: "imported legacy history" }\n`);
    const pushed = repo.gitRaw(["push", gate.remote.dir, "main"]);
    expect(pushed.status, pushed.stderr).toBe(0);
    expect(gate.audit().at(-1)).toMatchObject({ verdict: "accepted", commits: 1 });

    expect(shipgate(["check", "--all"], { cwd: repo.dir, env: repo.env }).code).toBe(0);
    const gated = shipgate(["gate", "--from", "auto", "--to", "HEAD", "--static"], { cwd: repo.dir, env: repo.env });
    expect(gated.code, gated.stdout + gated.stderr).toBe(0);

    // A new commit that breaks the rules is still refused at every stage.
    repo.commit("WIP more stuff", { "src/new.js": `export const leaked = "${FAKE_GITHUB_TOKEN}";\n` });
    const all = shipgate(["check", "--all"], { cwd: repo.dir, env: repo.env });
    expect(all.code).toBe(1);
    expect(all.stdout).toContain("src/new.js");
    expect(all.stdout).not.toContain("src/file1.js");
    expect(shipgate(["gate", "--from", "auto", "--to", "HEAD", "--static"], { cwd: repo.dir, env: repo.env }).code).toBe(1);
    const refused = repo.gitRaw(["push", gate.remote.dir, "main"]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain("src/new.js");
    expect(gate.audit().at(-1)).toMatchObject({ verdict: "refused", commits: 1 });
  });

  it("passes old release tags whose messages hold a token, and still refuses such a message on a new tag", () => {
    const repo = createRepo({ branch: "main" });
    oldHistory(repo, 6);
    repo.git("tag", "-a", "v0.1.0", "HEAD~3", "-m", `release 0.1.0, published with ${FAKE_NPM_TOKEN}`);
    const adoptedAt = repo.git("rev-parse", "HEAD");
    const gate = createGate(`extends: recommended\nbaseline: { commit: ${adoptedAt}, reason: "imported legacy history" }\n`);
    const first = repo.gitRaw(["push", gate.remote.dir, "main", "--tags"]);
    expect(first.status, first.stderr).toBe(0);
    repo.commit("feat: a new thing", { "src/new.js": "export const fresh = 1;\n" });
    repo.git("tag", "-a", "v1.0.0", "-m", `release 1.0.0, published with ${FAKE_NPM_TOKEN}`);
    const refused = repo.gitRaw(["push", gate.remote.dir, "main", "--tags"]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain("refs/tags/v1.0.0");
    expect(refused.stderr).not.toContain("v0.1.0");
  });

  it("moves the baseline only with a reason, and names the commits it exempts", () => {
    const repo = createRepo({ branch: "main" });
    oldHistory(repo, 5);
    const noReason = shipgate(["baseline", "HEAD"], { cwd: repo.dir, env: repo.env });
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain("needs a reason");
    const moved = shipgate(["baseline", "HEAD~1", "--reason", "imported from svn"], { cwd: repo.dir, env: repo.env });
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stdout).toContain("4 earlier commit(s) are never judged");
    expect(shipgate(["baseline"], { cwd: repo.dir, env: repo.env }).stdout).toContain("reason: imported from svn");
    expect(shipgate(["baseline", "nope", "--reason", "x"], { cwd: repo.dir, env: repo.env }).code).toBe(2);
  });
});
