import { describe, expect, it } from "vitest";
import { rulesFor } from "./fixture.js";

describe("rename-column", () => {
  it("fires when a column of an existing table is renamed", async () => {
    expect(await rulesFor("ALTER TABLE users RENAME COLUMN name TO full_name;")).toEqual(["rename-column"]);
  });
  it("does not fire on a table created in the same release", async () => {
    expect(await rulesFor("CREATE TABLE t (a int); ALTER TABLE t RENAME COLUMN a TO b;")).toEqual([]);
  });
});
