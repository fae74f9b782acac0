import { beforeAll, describe, expect, it } from "vitest";
import { loadParser, parseSql } from "../sql/parse.js";
import { rulesFor } from "./index.js";

beforeAll(() => loadParser());

const ruleIds = (sql: string) => {
  const [statement] = parseSql(sql).statements;
  if (statement === undefined) throw new Error(`no statement in ${sql}`);
  return rulesFor(statement).map((rule) => rule.id);
};

describe("rulesFor", () => {
  it("picks the rules that read an ALTER TABLE's commands, each once, in registry order", () => {
    expect(ruleIds("ALTER TABLE t ADD COLUMN a int, ALTER COLUMN b TYPE bigint, ADD COLUMN c text")).toEqual([
      "add-required-column",
      "change-column-type",
      "narrow-column-type",
      "add-unique-constraint",
      "table-rewrite",
      "missing-lock-timeout",
    ]);
    expect(ruleIds("ALTER TABLE t DROP COLUMN a")).toEqual(["drop-column", "missing-lock-timeout"]);
  });

  it("picks rules by statement kind, and none for a statement no rule reads", () => {
    expect(ruleIds("DROP INDEX i")).toEqual([
      "drop-table",
      "enum-value-change",
      "index-not-concurrent",
      "concurrently-in-transaction",
      "missing-lock-timeout",
      "drop-schema",
    ]);
    expect(ruleIds("SELECT 1")).toEqual([]);
  });
});
