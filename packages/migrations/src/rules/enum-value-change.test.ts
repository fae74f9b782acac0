import { describe, expect, it } from "vitest";
import { rulesFor } from "./fixture.js";

describe("enum-value-change", () => {
  it("fires on renaming a value, dropping the type and deleting from pg_enum", async () => {
    expect(await rulesFor("ALTER TYPE mood RENAME VALUE 'sad' TO 'unhappy';")).toEqual(["enum-value-change"]);
    expect(await rulesFor("DROP TYPE mood;")).toEqual(["enum-value-change"]);
    expect(await rulesFor("DELETE FROM pg_enum WHERE enumlabel = 'sad';")).toEqual(["enum-value-change"]);
  });
  it("does not fire on adding a value or dropping a type this release created", async () => {
    expect(await rulesFor("ALTER TYPE mood ADD VALUE 'calm'; CREATE TYPE tmp AS ENUM ('a'); DROP TYPE tmp;")).toEqual([]);
  });
});
