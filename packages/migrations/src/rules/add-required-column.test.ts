import { describe, expect, it } from "vitest";
import { rulesFor } from "./fixture.js";

describe("add-required-column", () => {
  it("fires on ADD COLUMN NOT NULL without a default", async () => {
    expect(await rulesFor("ALTER TABLE users ADD COLUMN tenant int NOT NULL;")).toEqual(["add-required-column"]);
  });
  it("does not fire with a constant default, when nullable, or on a new table", async () => {
    expect(await rulesFor("ALTER TABLE users ADD COLUMN tenant int NOT NULL DEFAULT 1, ADD COLUMN note text;")).toEqual([]);
    expect(await rulesFor("CREATE TABLE t (a int); ALTER TABLE t ADD COLUMN b int NOT NULL;")).toEqual([]);
  });
});
