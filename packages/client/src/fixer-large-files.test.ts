/**
 * Large and binary files stay away from the fixers and linters: a 7.9 MB bundle that file-size refuses in under a
 * second once kept eslint and prettier busy for five minutes with no output. A fixer that works on a file that may
 * take a while says which file it is.
 */
import { describe, expect, it } from "vitest";
import { createRepo, linkTools, shipgate, type TestRepo } from "@shipgate/test-utils";

interface JsonFinding {
  policy: string;
  path?: string;
  message: string;
}

/** `count` lines of unformatted JavaScript that eslint's no-var also flags. */
const messyLines = (count: number) => Array.from({ length: count }, (_, i) => `var   v${i} = {k:${i}, name:'n${i}'}\n`).join("");

function toolRepo(config: string): TestRepo {
  const repo = createRepo();
  linkTools(repo.dir, ["prettier", "eslint"]);
  repo.write({ ".shipgate.yml": config, "eslint.config.js": 'export default [{ rules: { "no-var": "error" } }];\n', "README.md": "# big\n" });
  repo.git("add", "-A");
  repo.git("commit", "-q", "--no-verify", "-m", "chore: tools");
  return repo;
}

function findings(stdout: string): JsonFinding[] {
  return (JSON.parse(stdout) as { findings: JsonFinding[] }).findings;
}

describe("fixers and large or binary files", () => {
  it("never hands a file that file-size refuses, or a binary file, to eslint or prettier, at pre-commit or in CI", () => {
    const repo = toolRepo("policies:\n  file-size: { max: 1 MB }\n  eslint: error\n  prettier: error\n");
    // 1.5 MB that both tools would report: unformatted, `var` everywhere, and a syntax error at the very end.
    repo.write({ "dist/big.js": `${messyLines(40_000)}const = ;\n`, "blob.js": `var   x = {k:1}\n\0\n`, "small.js": messyLines(1) });
    repo.git("add", "-A");

    const staged = shipgate(["run", "pre-commit", "--format", "json"], { cwd: repo.dir, env: repo.env });
    expect(staged.code, staged.stderr).toBe(1);
    const atCommit = findings(staged.stderr.slice(staged.stderr.indexOf("{")));
    expect(atCommit.filter((f) => f.path === "dist/big.js").map((f) => f.policy)).toEqual(["file-size"]);
    expect(atCommit.filter((f) => f.path === "blob.js")).toEqual([]);

    repo.git("commit", "-q", "--no-verify", "-m", "feat: big");
    const ci = shipgate(["check", "--all", "--format", "json"], { cwd: repo.dir, env: repo.env });
    expect(ci.code, ci.stderr).toBe(1);
    const inCi = findings(ci.stdout);
    expect(inCi.filter((f) => f.path === "dist/big.js").map((f) => f.policy)).toEqual(["file-size"]);
    expect(inCi.filter((f) => f.path === "blob.js")).toEqual([]);
    // The tools did run, on the file they may read.
    expect(inCi.filter((f) => f.path === "small.js").map((f) => f.policy)).toEqual(["eslint", "prettier"]);
  });

  it("names the file a fixer is working on when that file may keep it busy for seconds, and not every file", () => {
    const repo = toolRepo("policies:\n  file-size: { max: 10 MB }\n  prettier: error\n");
    const small = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`small${i}.js`, messyLines(3)]));
    repo.write({ ...small, "big.js": messyLines(30_000) });
    repo.git("add", "-A");
    const result = shipgate(["run", "pre-commit"], { cwd: repo.dir, env: repo.env });
    expect(result.code, result.stderr).toBe(0);
    const working = result.stderr.split("\n").filter((line) => line.includes("working on"));
    expect(working).toHaveLength(1);
    expect(working[0]).toMatch(/prettier is working on big\.js \(1\.\d MiB\)/);
  });
});
