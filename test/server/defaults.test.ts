/** What a server that only says `extends: recommended` protects out of the box, as git hosts do, and how to say otherwise. */
import { writeFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt } from "@shipgate/test-utils/pack";
import { createGate, createWorkRepo, push } from "./fixture.js";

beforeAll(async () => {
  await ensureBuilt();
}, 300_000);

/** A gate whose default branch is `trunk` (HEAD points to it), with trunk, a feature branch and a release tag pushed. */
function seeded(config: string) {
  const gate = createGate(config);
  gate.remote.git("symbolic-ref", "HEAD", "refs/heads/trunk");
  const local = createWorkRepo();
  const first = local.git("rev-parse", "HEAD");
  local.commit("feat: two", { "b.txt": "b\n" });
  local.git("tag", "v1.0.0", first);
  expect(push(local, gate.remote.dir, ["main:refs/heads/trunk", "main:refs/heads/feature", "v1.0.0"]).code).toBe(0);
  local.git("reset", "-q", "--hard", first);
  const rewritten = local.commit("feat: rewritten", { "c.txt": "c\n" });
  return { gate, local, rewritten };
}

describe("a server config that extends recommended", () => {
  it("refuses force-pushing or deleting the default branch and moving or deleting a release tag, and lets other branches be rewritten", () => {
    const { gate, local, rewritten } = seeded("extends: recommended\n");
    const before = gate.refs();

    local.git("tag", "-f", "v1.0.0", rewritten);
    const refusals: [string[], string][] = [
      [["--force", "main:refs/heads/trunk"], "branch trunk is protected: this push rewrites its history"],
      [[":refs/heads/trunk"], "branch trunk is protected and cannot be deleted"],
      [["--force", "refs/tags/v1.0.0"], "release tag v1.0.0 is immutable: it already points to"],
      [[":refs/tags/v1.0.0"], "release tag v1.0.0 is immutable and cannot be deleted"],
    ];
    for (const [args, line] of refusals) {
      const result = push(local, gate.remote.dir, args);
      expect(result.code, args.join(" ")).not.toBe(0);
      expect(result.stderr, args.join(" ")).toContain(line);
    }
    expect(gate.refs()).toBe(before);

    expect(push(local, gate.remote.dir, ["--force", "main:refs/heads/feature"]).code).toBe(0);
    expect(gate.refs()).toContain(`refs/heads/feature ${rewritten}`);
  });

  it("lets the server config say otherwise: protected-refs off, or without the default branch", () => {
    const off = seeded("extends: recommended\npolicies:\n  protected-refs: off\n");
    expect(push(off.local, off.gate.remote.dir, ["--force", "main:refs/heads/trunk"]).code).toBe(0);
    expect(off.gate.refs()).toContain(`refs/heads/trunk ${off.rewritten}`);

    const narrowed = seeded("extends: recommended\npolicies:\n  protected-refs: { defaultBranch: false }\n");
    expect(push(narrowed.local, narrowed.gate.remote.dir, ["--force", "main:refs/heads/trunk"]).code).toBe(0);
    narrowed.local.git("tag", "-f", "v1.0.0", narrowed.rewritten);
    expect(push(narrowed.local, narrowed.gate.remote.dir, ["--force", "refs/tags/v1.0.0"]).stderr).toContain("release tag v1.0.0 is immutable");
  });

  it("shows the pusher the first problem of a server config that went bad after install, once", () => {
    const gate = createGate("extends: recommended\n");
    writeFileSync(gate.configFile, "extends: recommended\npolicies:\n  secretz: error\n");
    const local = createWorkRepo();
    const result = push(local, gate.remote.dir, ["main"]);
    expect(result.code).not.toBe(0);
    const problem = "is not a valid shipgate config: policies.secretz: unknown key (did you mean secrets?)";
    expect(result.stderr.split("\n").filter((line) => line.startsWith("remote: shipgate: ") && line.includes(problem))).toHaveLength(1);
    expect(result.stderr.split(problem).length - 1).toBe(1);
    expect(gate.refs()).toBe("");
  });
});
