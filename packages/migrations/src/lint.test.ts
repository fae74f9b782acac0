import { describe, expect, it } from "vitest";
import { lintFiles } from "./lint-text.js";

describe("lintFiles", () => {
  it("reports a statement's finding with its documented fields only, not the statement's parse tree", async () => {
    const findings = await lintFiles([{ path: "m.sql", text: "SET lock_timeout = '2s';\nCREATE INDEX i ON t (a);\n" }]);
    expect(findings).toEqual([
      {
        rule: "index-not-concurrent",
        category: "locking",
        severity: "warn",
        path: "m.sql",
        line: 2,
        column: 1,
        message: expect.stringContaining("without CONCURRENTLY") as string,
        fix: expect.any(String) as string,
        statement: "CREATE INDEX i ON t (a)",
      },
    ]);
  });
});
