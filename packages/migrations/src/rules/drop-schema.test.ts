import { describe, expect, it } from "vitest";
import { rulesFor } from "./fixture.js";

describe("drop-schema", () => {
  it("fires on DROP SCHEMA and DROP DATABASE", async () => {
    expect(await rulesFor("DROP SCHEMA audit CASCADE;")).toEqual(["drop-schema"]);
    expect(await rulesFor("DROP DATABASE app;")).toEqual(["drop-schema"]);
  });
  it("does not fire on CREATE SCHEMA", async () => {
    expect(await rulesFor("CREATE SCHEMA audit;")).toEqual([]);
  });
});
