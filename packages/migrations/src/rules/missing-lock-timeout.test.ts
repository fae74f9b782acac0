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
  it("does not fire on what only tables and types of this release use: temporary or copied tables, a new enum's values", async () => {
    const sql = `CREATE TEMP TABLE ids AS SELECT id FROM users;
CREATE INDEX ids_id ON ids (id);
DROP INDEX ids_id;
SELECT id INTO copy FROM users;
DROP TABLE ids, copy;
CREATE TYPE state AS ENUM ('open', 'close');
ALTER TYPE state RENAME VALUE 'close' TO 'closed';
ALTER TYPE state ADD VALUE 'gone';`;
    expect(await lintOne(sql)).toEqual([]);
  });
  it("fires on dropping a table of the previous release with one of this release, and on a value added to an old enum", async () => {
    expect((await lintOne("CREATE TABLE t (a int);\nDROP TABLE t, orders;")).map((f) => [f.rule, f.line])).toContainEqual(["missing-lock-timeout", 2]);
    expect((await lintOne("ALTER TYPE mood ADD VALUE 'calm';")).map((f) => f.rule)).toEqual(["missing-lock-timeout"]);
  });
});
