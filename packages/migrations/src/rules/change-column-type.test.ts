import { describe, expect, it } from "vitest";
import { lintOne, rulesFor } from "./fixture.js";

const ENUM_BEFORE = "CREATE TYPE status AS ENUM ('new', 'paid');\nCREATE TABLE invoices (id bigint PRIMARY KEY, status status, history status[]);";

describe("change-column-type", () => {
  it("fires on a type change that is not a widening", async () => {
    expect(await rulesFor("ALTER TABLE users ALTER COLUMN score TYPE text;")).toEqual(["change-column-type"]);
  });
  it("allows binary-coercible widenings", async () => {
    const sql =
      "ALTER TABLE users ALTER name TYPE varchar(100), ALTER email TYPE varchar, ALTER price TYPE numeric(12,2); ALTER TABLE users ALTER name TYPE text;";
    expect(await rulesFor(sql)).toEqual([]);
  });
  it("fires when a column moves to a new enum that took the old enum's name, naming the renamed type", async () => {
    const sql = `ALTER TYPE status RENAME TO status_old;
CREATE TYPE status AS ENUM ('new', 'paid', 'void');
ALTER TABLE invoices ALTER COLUMN status TYPE status USING status::text::status;
ALTER TABLE invoices ALTER COLUMN history TYPE status[] USING history::text[]::status[];
DROP TYPE status_old;`;
    const findings = await lintOne(sql, { before: [ENUM_BEFORE], rules: { "missing-lock-timeout": "off" } });
    expect(findings.map((f) => `${f.line} ${f.rule} ${f.message.split(":")[0] ?? ""}`)).toEqual([
      "3 change-column-type changes the type of invoices.status from status_old (the previous release's status) to status",
      "4 change-column-type changes the type of invoices.history from status_old[] (the previous release's status) to status[]",
    ]);
  });
  it("does not fire when a column of an enum this release created moves to another new enum", async () => {
    const sql = `CREATE TYPE kind AS ENUM ('a');
CREATE TABLE things (id bigint, k kind);
ALTER TYPE kind RENAME TO kind_old;
CREATE TYPE kind AS ENUM ('a', 'b');
ALTER TABLE things ALTER k TYPE kind USING k::text::kind;
DROP TYPE kind_old;`;
    expect(await rulesFor(sql)).toEqual([]);
  });
  it("knows the column types of a table made by CREATE TABLE AS or SELECT INTO, so widening one is not flagged and changing one is", async () => {
    const before = [
      "CREATE TABLE users (id bigint PRIMARY KEY, name varchar(50));",
      "CREATE TABLE copy AS SELECT u.id, u.name, name::varchar(20) AS short FROM users u; SELECT * INTO copy2 FROM users;",
    ];
    const sql = `ALTER TABLE copy ALTER name TYPE varchar(80), ALTER short TYPE text, ALTER id TYPE text;
ALTER TABLE copy2 ALTER name TYPE text, ALTER id TYPE int;`;
    const findings = await lintOne(sql, { before, rules: { "missing-lock-timeout": "off" } });
    expect(findings.map((f) => `${f.line} ${f.rule} ${f.message.split(":")[0] ?? ""}`)).toEqual([
      "1 change-column-type changes the type of copy.id from int8 to text",
      "2 narrow-column-type narrows copy2.id from int8 to int4",
    ]);
  });
});
