import { describe, expect, it } from "vitest";
import { rulesFor } from "./fixture.js";

describe("drop-table", () => {
  it("fires when a table of the previous release is dropped", async () => {
    expect(await rulesFor("DROP TABLE orders;")).toEqual(["drop-table"]);
  });
  it("does not fire for a table this release created, or for other objects", async () => {
    expect(await rulesFor("CREATE TABLE tmp (a int); DROP TABLE tmp; DROP VIEW IF EXISTS v;")).toEqual([]);
  });
});
