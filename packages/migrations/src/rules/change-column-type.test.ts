import { describe, expect, it } from "vitest";
import { rulesFor } from "./fixture.js";

describe("change-column-type", () => {
  it("fires on a type change that is not a widening", async () => {
    expect(await rulesFor("ALTER TABLE users ALTER COLUMN score TYPE text;")).toEqual(["change-column-type"]);
  });
  it("allows binary-coercible widenings", async () => {
    const sql =
      "ALTER TABLE users ALTER name TYPE varchar(100), ALTER email TYPE varchar, ALTER price TYPE numeric(12,2); ALTER TABLE users ALTER name TYPE text;";
    expect(await rulesFor(sql)).toEqual([]);
  });
});
