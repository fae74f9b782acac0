/** The `shipgate` executable itself, run as a process: what a pipe receives when it exits right after a command. */
import { describe, expect, it } from "vitest";
import { shipgate, tempDir, writeTree } from "@shipgate/test-utils";

describe("bin.js", () => {
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
});
