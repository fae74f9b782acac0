/** `shipgate check` run as a process on a real repository. */
import { describe, expect, it } from "vitest";
import { createRepo, shipgate } from "@shipgate/test-utils";

// Fake credentials assembled at run time, so this file holds none that a scanner would take for real.
const GITLAB_TOKEN = ["glpat", "-", "Zx81kLq0Vn3Rt6Yw9Pb2"].join("");
const NPM_TOKEN = ["npm", "_", "Q3w8Er5Ty2Ui7Op4As9Df6Gh1Jk0Lz3Xc8Vb"].join("");

describe("shipgate check", () => {
  it("reports a token in a commit message of the range and in the message of the annotated tag that ends it", () => {
    const repo = createRepo({ files: { ".shipgate.yml": "policies:\n  secrets: error\n" } });
    const base = repo.git("rev-parse", "HEAD");
    const leak = repo.commit(`fix: deploy\n\nTested with ${GITLAB_TOKEN}\n`, { "a.txt": "a\n" });
    repo.git("tag", "-a", "v1.0.0", "-m", `Release\n\nPublished with ${NPM_TOKEN}\n`);
    const result = shipgate(["check", "--range", `${base}..v1.0.0`], { cwd: repo.dir, env: repo.env });
    expect(result.stdout).toContain(`line 3 commit ${leak.slice(0, 12)}`);
    expect(result.stdout).toContain("GitLab token found in the commit message (glpa…)");
    expect(result.stdout).toContain("npm token found in the message of annotated tag v1.0.0 (npm_…)");
    expect(result.code).toBe(1);
    const commitOnly = shipgate(["check", "--range", `${base}..v1.0.0^{commit}`], { cwd: repo.dir, env: repo.env });
    expect(commitOnly.stdout).not.toContain("annotated tag");
    expect(commitOnly.code).toBe(1);
  });
});
