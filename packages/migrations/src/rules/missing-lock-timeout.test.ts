import { describe, expect, it } from "vitest";
import { lintOne } from "./fixture.js";

describe("missing-lock-timeout", () => {
  it("fires once per file on the first lock of an existing table", async () => {
    const findings = await lintOne("ALTER TABLE users ADD COLUMN a int;\nALTER TABLE users ADD COLUMN b int;");
    expect(findings.map((f) => [f.rule, f.line])).toEqual([["missing-lock-timeout", 1]]);
  });
  it("does not fire after SET lock_timeout", async () => {
    expect(await lintOne("SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN a int;")).toEqual([]);
  });
});
