import { describe, expect, it } from "vitest";
import { lintFiles } from "../lint-text.js";
import { BASE_SCHEMA, rulesFor } from "./fixture.js";

describe("drop-table", () => {
  it("fires when a table of the previous release is dropped", async () => {
    expect(await rulesFor("DROP TABLE orders;")).toEqual(["drop-table"]);
  });
  it("does not fire for a table this release created, or for other objects", async () => {
    expect(await rulesFor("CREATE TABLE tmp (a int); DROP TABLE tmp; DROP VIEW IF EXISTS v;")).toEqual([]);
  });
  it("does not fire for tables this release creates with CREATE TABLE AS, SELECT INTO or as temporary tables", async () => {
    const sql = `
      CREATE TABLE copy AS SELECT id, email FROM users;
      CREATE TABLE IF NOT EXISTS empty_copy AS SELECT * FROM users WITH NO DATA;
      SELECT id INTO user_ids FROM users;
      SELECT id INTO TEMP temp_ids FROM users;
      CREATE TEMP TABLE scratch AS SELECT 1 AS one;
      CREATE TEMPORARY TABLE work (id bigint) ON COMMIT DROP;
      DROP TABLE copy, empty_copy, user_ids, temp_ids, scratch, work;`;
    expect(await rulesFor(sql)).toEqual([]);
  });
  it("fires for a table the previous release created with CREATE TABLE AS or SELECT INTO", async () => {
    const findings = await lintFiles([{ path: "003.sql", text: "DROP TABLE copy;\nDROP TABLE user_ids;" }], {
      before: [BASE_SCHEMA, "CREATE TABLE copy AS SELECT id FROM users; SELECT id INTO user_ids FROM users;"],
      rules: { "missing-lock-timeout": "off" },
    });
    expect(findings.map((f) => `${f.line} ${f.rule}`)).toEqual(["1 drop-table", "2 drop-table"]);
  });
  it("still fires for a table of the previous release that the release creates again only IF NOT EXISTS", async () => {
    expect(await rulesFor("CREATE TABLE IF NOT EXISTS orders (id serial PRIMARY KEY); DROP TABLE orders;")).toEqual(["drop-table"]);
  });
});
