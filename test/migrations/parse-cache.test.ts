/** `migrations lint` reuses the parse of files it linted before (by blob id), from the repository's git dir. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createRepo, gitEnv, shipgate, tempDir, writeTree } from "@shipgate/test-utils";

const FILES = {
  "db/001_a.sql": "CREATE TABLE a (id bigint PRIMARY KEY, status text);\n",
  "db/002_b.sql": "ALTER TABLE users DROP COLUMN status;\n",
  "db/003_c.sql": "CREATE INDEX a_id ON a (id);\n-- only a comment below\n",
};

function lint(cwd: string, files: string[]) {
  const result = shipgate(["migrations", "lint", "--format", "json", ...files], { cwd, env: gitEnv({ DEBUG: "shipgate:cache" }) });
  return { code: result.code, findings: JSON.parse(result.stdout) as unknown, debug: result.stderr };
}

describe("the parse cache of migrations lint", () => {
  it("lints unchanged files from the cache with the same findings, and parses only a changed file", () => {
    const repo = createRepo({ files: FILES });
    const files = Object.keys(FILES);
    const cold = lint(repo.dir, files);
    expect(cold.debug).toMatch(/parse cache: 0 hits, 3 parsed/);
    expect(existsSync(join(repo.dir, ".git", "shipgate", "cache", "parse.pack"))).toBe(true);
    const warm = lint(repo.dir, files);
    expect(warm.debug).toMatch(/parse cache: 3 hits, 0 parsed/);
    expect(warm.debug).not.toMatch(/wrote/);
    expect({ code: warm.code, findings: warm.findings }).toEqual({ code: cold.code, findings: cold.findings });
    expect(cold.code).toBe(1);
    repo.write({ "db/002_b.sql": "ALTER TABLE users DROP COLUMN status; -- now with a comment\n" });
    expect(lint(repo.dir, files).debug).toMatch(/parse cache: 2 hits, 1 parsed/);
  });

  it("keeps no cache outside a git repository", () => {
    const dir = tempDir();
    writeTree(dir, FILES);
    const run = lint(dir, Object.keys(FILES));
    expect(run.debug).not.toMatch(/parse cache/);
    expect(run.code).toBe(1);
  });
});
