import { describe, expect, it } from "vitest";
import { linearTimeProblem, safeRegExp } from "./regex.js";

describe("config regular expressions", () => {
  it("answer at once for a catastrophic pattern against a hostile name (backtracking took minutes)", () => {
    const pattern = safeRegExp("^(a+)+$", "policies.branch-name.pattern");
    expect(pattern.test(`${"a".repeat(40)}!`)).toBe(false);
    expect(pattern.test("a".repeat(40))).toBe(true);
  });

  it("keep the backtracking engine for what the linear one cannot run, and say why", () => {
    expect(safeRegExp("^(a)\\1$", "k").test("aa")).toBe(true);
    expect(safeRegExp("@EXAMPLE\\.com$", "k", "i").test("me@example.com")).toBe(true);
    expect(linearTimeProblem("^(a+)+$")).toBeNull();
    expect(linearTimeProblem("(?<=x)y")).toMatch(/lookahead or lookbehind/);
    expect(linearTimeProblem("a", "i")).toMatch(/case-insensitively/);
  });

  it("name the key of an invalid pattern", () => {
    expect(() => safeRegExp("(", "policies.branch-name.pattern")).toThrow(/policies\.branch-name\.pattern: invalid regular expression/);
  });
});
