/**
 * `migrations lint` reuses the parse of files it linted before (by blob id), and the findings of the last lint when
 * nothing it depends on changed, from the repository's git dir.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createRepo, gitEnv, shipgate, tempDir, writeTree } from "@shipgate/test-utils";

const FILES = {
  "db/001_a.sql": "CREATE TABLE a (id bigint PRIMARY KEY, status text);\n",
  "db/002_b.sql": "ALTER TABLE users DROP COLUMN status;\n",
  "db/003_c.sql": "CREATE INDEX a_id ON a (id);\n-- only a comment below\n",
};

function lint(cwd: string, files: string[], env: Record<string, string> = {}) {
  const result = shipgate(["migrations", "lint", "--format", "json", ...files], { cwd, env: gitEnv({ DEBUG: "shipgate:cache", ...env }) });
  return { code: result.code, findings: JSON.parse(result.stdout) as unknown, debug: result.stderr };
}

describe("the parse cache of migrations lint", () => {
  it("answers an unchanged tree from the findings cache, and parses only a changed file when anything changed", () => {
    const repo = createRepo({ files: FILES });
    const files = Object.keys(FILES);
    const cold = lint(repo.dir, files);
    expect(cold.debug).toMatch(/findings cache: miss/);
    expect(cold.debug).toMatch(/parse cache: 0 hits, 3 parsed/);
    expect(existsSync(join(repo.dir, ".git", "shipgate", "cache", "parse.pack"))).toBe(true);
    const warm = lint(repo.dir, files);
    expect(warm.debug).toMatch(/findings cache: hit/);
    expect(warm.debug).not.toMatch(/parse cache/); // neither read nor written: no parse was needed
    expect({ code: warm.code, findings: warm.findings }).toEqual({ code: cold.code, findings: cold.findings });
    expect(cold.code).toBe(1);
    repo.write({ "db/002_b.sql": "ALTER TABLE users DROP COLUMN status; -- now with a comment\n" });
    const changed = lint(repo.dir, files);
    expect(changed.debug).toMatch(/findings cache: miss/);
    expect(changed.debug).toMatch(/parse cache: 2 hits, 1 parsed/);
    expect(changed.findings).toEqual(lint(repo.dir, files, { SHIPGATE_CACHE: "off" }).findings);
  });

  it("re-lints a work-tree file edited after the last lint, even one of the same size", () => {
    const repo = createRepo({ files: FILES });
    const files = Object.keys(FILES);
    const cold = lint(repo.dir, files);
    writeFileSync(join(repo.dir, "db/002_b.sql"), "ALTER TABLE users DROP COLUMN stat_s;\n"); // same length, not committed
    const edited = lint(repo.dir, files);
    expect(edited.debug).toMatch(/findings cache: miss/);
    expect(JSON.stringify(edited.findings)).toContain("stat_s");
    expect(edited.findings).not.toEqual(cold.findings);
    expect(edited.findings).toEqual(lint(repo.dir, files, { SHIPGATE_CACHE: "off" }).findings);
  });

  it("ignores a tampered findings file, lints afresh with the same findings and rebuilds it", () => {
    const repo = createRepo({ files: FILES });
    const files = Object.keys(FILES);
    const cold = lint(repo.dir, files);
    const file = join(repo.dir, ".git", "shipgate", "cache", "lint.findings");
    writeFileSync(file, readFileSync(file, "utf8").replace("drop-column", "drop-colunm"));
    const tampered = lint(repo.dir, files);
    expect(tampered.debug).toMatch(/findings cache: ignored .* \(checksum mismatch\)/);
    expect({ code: tampered.code, findings: tampered.findings }).toEqual({ code: cold.code, findings: cold.findings });
    expect(lint(repo.dir, files).debug).toMatch(/findings cache: hit/);
  });

  it("keeps no cache outside a git repository", () => {
    const dir = tempDir();
    writeTree(dir, FILES);
    const run = lint(dir, Object.keys(FILES));
    expect(run.debug).not.toMatch(/parse cache/);
    expect(run.code).toBe(1);
  });
});
