/** Every git process costs a hook several milliseconds: the hooks with no lint work start as few as they can. */
import { describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRepo, gitEnv, shipgate } from "@shipgate/test-utils";

const CONFIG = "policies:\n  commit-message: error\n  secrets: error\n  file-size: error\n";

function gitCalls(stderr: string): string[] {
  return stderr.split("\n").filter((line) => line.startsWith("shipgate:git git "));
}

describe("git processes per hook", () => {
  it("pre-commit reads the repository with HEAD, then the staged diff, and takes sizes from the loose objects", () => {
    const repo = createRepo({ files: { ".shipgate.yml": CONFIG, "a.txt": "a\n" } });
    repo.write({ "b.txt": "b\n", "c.txt": "c\n" });
    repo.git("add", "-A");
    const result = shipgate(["run", "pre-commit"], { cwd: repo.dir, env: gitEnv({ DEBUG: "shipgate:git" }) });
    expect(result.code, result.stderr).toBe(0);
    expect(gitCalls(result.stderr).map((line) => line.split(" ")[2])).toEqual(["rev-parse", "diff-index"]);
  });

  it("commit-msg reads the repository with HEAD and, beside it, the comment settings", () => {
    const repo = createRepo({ files: { ".shipgate.yml": CONFIG, "a.txt": "a\n" } });
    writeFileSync(join(repo.dir, ".git", "MSG"), "feat: add b\n");
    const result = shipgate(["run", "commit-msg", ".git/MSG"], { cwd: repo.dir, env: gitEnv({ DEBUG: "shipgate:git" }) });
    expect(result.code, result.stderr).toBe(0);
    expect(
      gitCalls(result.stderr)
        .map((line) => line.split(" ")[2])
        .sort(),
    ).toEqual(["config", "rev-parse"]);
  });
});
