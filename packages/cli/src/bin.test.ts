/** The `shipgate` executable itself, run as a process: what a pipe receives when it exits right after a command. */
import { describe, expect, it } from "vitest";
import { gitEnv, shipgate, tempDir, writeTree } from "@shipgate/test-utils";

describe("bin.cjs", () => {
  it("starts the CLI from the V8 code cache the build wrote, and still loads plugins with import()", () => {
    const result = shipgate(["--help"], { cwd: tempDir(), env: gitEnv({ DEBUG: "shipgate:code-cache" }) });
    expect(result.stderr).toMatch(/^shipgate:code-cache cli\.cjs: cache accepted/m);
    expect(result.stdout).toMatch(/^ {2}deploy +/m);
    expect(result.code).toBe(0);
  });

  it("writes a JSON report larger than a pipe's buffer completely before it exits", () => {
    const dir = tempDir();
    // Each finding quotes its statement: 400 findings of 2 KiB are far more than a pipe or socket buffer holds.
    const columns = Array.from({ length: 300 }, (_, i) => `c${i}`).join(", ");
    const files = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`m${i}.sql`, `CREATE INDEX i${i} ON t (${columns});\n`]));
    writeTree(dir, files);
    const result = shipgate(["migrations", "lint", "--format", "json", ...Object.keys(files)], { cwd: dir });
    expect(result.stdout.length).toBeGreaterThan(512 * 1024);
    const report = JSON.parse(result.stdout) as { findings: { rule: string }[] };
    expect(report.findings).toHaveLength(400);
    expect(result.code).toBe(0);
  });

  it("runs migrations lint on the static analysis compiled from the code cache the build wrote", () => {
    const dir = tempDir();
    writeTree(dir, { "a.sql": "ALTER TABLE t DROP COLUMN c;\n" });
    const result = shipgate(["migrations", "lint", "a.sql"], { cwd: dir, env: gitEnv({ DEBUG: "shipgate:code-cache" }) });
    expect(result.stderr).toMatch(/migrations-static\.cjs: cache accepted/);
    expect(result.stdout).toContain("[drop-column]");
    expect(result.code).toBe(1);
  });
});
