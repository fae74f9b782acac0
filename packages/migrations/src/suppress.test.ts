import { describe, expect, it } from "vitest";
import { lintOne } from "./rules/fixture.js";
import { lintFiles } from "./lint-text.js";

const opts = { rules: { "missing-lock-timeout": "off" as const } };

describe("suppressions", () => {
  it("suppress the next statement only, with a reason", async () => {
    const sql = "-- shipgate-ignore drop-column: nothing reads legacy since v1.4\nALTER TABLE users DROP COLUMN name;\nALTER TABLE users DROP COLUMN score;";
    expect((await lintOne(sql, opts)).map((f) => [f.rule, f.line])).toEqual([["drop-column", 3]]);
  });

  it("refuse a suppression without a reason and keep the finding", async () => {
    const findings = await lintOne("-- shipgate-ignore drop-column\nALTER TABLE users DROP COLUMN name;", opts);
    expect(findings.map((f) => [f.rule, f.severity])).toEqual([
      ["suppression", "error"],
      ["drop-column", "error"],
    ]);
  });

  it("report a suppression that suppresses nothing, and an unknown rule", async () => {
    const stale = await lintOne("-- shipgate-ignore drop-table: old\nALTER TABLE users ADD COLUMN x int;", opts);
    expect(stale.map((f) => [f.rule, f.severity, f.line])).toEqual([["unused-suppression", "warn", 1]]);
    const unknown = await lintOne("-- shipgate-ignore drop-colum: typo\nSELECT 1;", opts);
    expect(unknown.map((f) => f.rule)).toEqual(["suppression"]);
  });

  it("suppress a whole file with shipgate-ignore-file, including file-level findings", async () => {
    const sql =
      "/* shipgate-ignore-file drop-column, missing-down: contract step of the 2.0 plan */\nALTER TABLE users DROP COLUMN name;\nALTER TABLE users DROP COLUMN score;";
    expect(await lintFiles([{ path: "a.sql", text: sql }], { before: ["CREATE TABLE users (name text, score int);"], hasDowns: true, ...opts })).toEqual([]);
  });
});

describe("down migrations", () => {
  it("report a missing or empty down where the layout has downs", async () => {
    const missing = await lintFiles([{ path: "1.up.sql", text: "CREATE TABLE a (x int);" }], { hasDowns: true });
    expect(missing.map((f) => f.rule)).toEqual(["missing-down"]);
    const empty = await lintFiles([{ path: "1.up.sql", text: "CREATE TABLE a (x int);", down: "-- nothing\n" }]);
    expect(empty.map((f) => [f.rule, f.path])).toEqual([["empty-down", "1.up.sql.down"]]);
    const ok = await lintFiles([{ path: "1.up.sql", text: "CREATE TABLE a (x int);", down: "DROP TABLE a;" }]);
    expect(ok).toEqual([]);
  });
});
