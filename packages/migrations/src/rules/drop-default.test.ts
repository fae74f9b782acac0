import { describe, expect, it } from "vitest";
import { rulesFor } from "./fixture.js";

describe("drop-default", () => {
  it("fires when a NOT NULL column loses its default", async () => {
    expect(await rulesFor("ALTER TABLE users ALTER COLUMN status DROP DEFAULT;")).toEqual(["drop-default"]);
  });
  it("does not fire for a nullable column or when setting a default", async () => {
    expect(await rulesFor("ALTER TABLE users ALTER COLUMN score DROP DEFAULT; ALTER TABLE users ALTER status SET DEFAULT 'new';")).toEqual([]);
  });
});
