import { describe, expect, it } from "vitest";
import { rulesFor } from "./fixture.js";

describe("truncate", () => {
  it("fires on TRUNCATE of an existing table", async () => {
    expect(await rulesFor("TRUNCATE orders;")).toEqual(["truncate"]);
  });
  it("does not fire on a table created in the same release", async () => {
    expect(await rulesFor("CREATE TABLE staging (a int); TRUNCATE staging;")).toEqual([]);
  });
});
