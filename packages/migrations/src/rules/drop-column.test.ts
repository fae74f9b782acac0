import { describe, expect, it } from "vitest";
import { collectReads } from "../queries.js";
import { rulesFor } from "./fixture.js";

describe("drop-column", () => {
  it("fires when an existing table loses a column", async () => {
    expect(await rulesFor("ALTER TABLE users DROP COLUMN name;")).toEqual(["drop-column"]);
  });
  it("does not fire on a table created in the same release", async () => {
    expect(await rulesFor("CREATE TABLE t (a int, b int); ALTER TABLE t DROP COLUMN b;")).toEqual([]);
  });
  it("does not fire when the previous release's declared queries no longer read the column", async () => {
    const oldReads = collectReads([{ name: "q", path: "q.sql", line: 1, sql: "SELECT id, email FROM users", params: [] }]);
    expect(await rulesFor("ALTER TABLE users DROP COLUMN name;", { oldReads })).toEqual([]);
    expect(await rulesFor("ALTER TABLE users DROP COLUMN email;", { oldReads })).toEqual(["drop-column"]);
  });
});
