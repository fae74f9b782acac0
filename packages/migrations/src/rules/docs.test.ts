import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_SEVERITY } from "./rule.js";
import { FILE_RULES, STATEMENT_RULES } from "./index.js";

const GATE_DOC = new URL("../../../../docs/gate.md", import.meta.url);

describe("the rules documentation", () => {
  it("lists every rule of docs/gate.md with its category, default severity and summary, in registry order", () => {
    const rows = readFileSync(GATE_DOC, "utf8")
      .split("\n")
      .filter((line) => line.startsWith("| `"))
      .map((line) =>
        line
          .slice(1, -1)
          .split(/(?<!\\)\|/)
          .map((cell) => cell.trim().replace(/\\\|/g, "|")),
      );
    const expected = [...STATEMENT_RULES, ...FILE_RULES].map((rule) => [`\`${rule.id}\``, rule.category, DEFAULT_SEVERITY[rule.category], rule.summary]);
    expect(rows).toEqual(expected);
  });
});
