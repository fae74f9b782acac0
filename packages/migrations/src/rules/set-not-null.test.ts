import { describe, expect, it } from "vitest";
import { lintFiles } from "../lint-text.js";
import { BASE_SCHEMA, rulesFor } from "./fixture.js";

describe("set-not-null", () => {
  it("fires on SET NOT NULL of an existing nullable column", async () => {
    expect(await rulesFor("ALTER TABLE users ALTER COLUMN name SET NOT NULL;")).toEqual(["set-not-null"]);
  });
  it("still fires when the NOT NULL check is added and validated in the same release", async () => {
    const sql =
      "ALTER TABLE users ADD CONSTRAINT n CHECK (name IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT n;\nALTER TABLE users ALTER name SET NOT NULL;";
    expect(await rulesFor(sql)).toEqual(["set-not-null"]);
  });
  it("does not fire when a validated NOT NULL check comes from an earlier release", async () => {
    const earlier = "ALTER TABLE users ADD CONSTRAINT n CHECK (name IS NOT NULL) NOT VALID; ALTER TABLE users VALIDATE CONSTRAINT n;";
    const findings = await lintFiles([{ path: "003.sql", text: "ALTER TABLE users ALTER name SET NOT NULL;" }], {
      before: [BASE_SCHEMA, earlier],
      rules: { "missing-lock-timeout": "off" },
    });
    expect(findings).toEqual([]);
  });
  it("does not fire on tables this release creates with CREATE TABLE AS, SELECT INTO or as temporary tables", async () => {
    const sql = `
      CREATE TABLE names AS SELECT id, name FROM users;
      ALTER TABLE names ALTER COLUMN name SET NOT NULL;
      SELECT id, name INTO names2 FROM users;
      ALTER TABLE names2 ALTER COLUMN name SET NOT NULL;
      CREATE TEMP TABLE names3 AS SELECT id, name FROM users;
      ALTER TABLE names3 ALTER COLUMN name SET NOT NULL;
      CREATE TEMPORARY TABLE scratch (id bigint);
      ALTER TABLE scratch ALTER COLUMN id SET NOT NULL;`;
    expect(await rulesFor(sql)).toEqual([]);
  });
  it("fires on a column of a table the previous release created with CREATE TABLE AS, even one copied from a NOT NULL column", async () => {
    const findings = await lintFiles([{ path: "003.sql", text: "ALTER TABLE names ALTER COLUMN email SET NOT NULL;" }], {
      before: [BASE_SCHEMA, "CREATE TABLE names AS SELECT id, email FROM users;"],
      rules: { "missing-lock-timeout": "off" },
    });
    expect(findings.map((f) => f.rule)).toEqual(["set-not-null"]);
  });
});
