import { describe, expect, it } from "vitest";
import { rulesFor } from "./fixture.js";

describe("rename-table", () => {
  it("fires when an existing table is renamed", async () => {
    expect(await rulesFor("ALTER TABLE orders RENAME TO purchases;")).toEqual(["rename-table"]);
  });
  it("does not fire when a view keeps the old name alive", async () => {
    expect(await rulesFor("ALTER TABLE orders RENAME TO purchases; CREATE VIEW orders AS SELECT * FROM purchases;")).toEqual([]);
  });
});
