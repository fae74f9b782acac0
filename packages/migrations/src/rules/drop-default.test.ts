import { describe, expect, it } from "vitest";
import { rulesFor } from "./fixture.js";

describe("drop-default", () => {
  it("fires when a NOT NULL column loses its default", async () => {
    expect(await rulesFor("ALTER TABLE users ALTER COLUMN status DROP DEFAULT;")).toEqual(["drop-default"]);
  });
  it("does not fire for a nullable column or when setting a default", async () => {
    expect(await rulesFor("ALTER TABLE users ALTER COLUMN score DROP DEFAULT; ALTER TABLE users ALTER status SET DEFAULT 'new';")).toEqual([]);
  });
  it("does not fire when the same transaction sets the default again, as Prisma's enum changes do", async () => {
    const swap =
      "ALTER TABLE users ALTER status DROP DEFAULT;\nALTER TABLE users ALTER status TYPE text;\nALTER TABLE users ALTER status SET DEFAULT 'active';";
    expect(await rulesFor(swap, { transaction: "always" })).toEqual([]);
    expect(await rulesFor(swap, { transaction: "implicit" })).toEqual([]);
    expect(await rulesFor(`BEGIN;\n${swap}\nCOMMIT;`)).toEqual([]);
  });
  it("fires when the default comes back only in another transaction, or not at all", async () => {
    const swap = "ALTER TABLE users ALTER status DROP DEFAULT;\nALTER TABLE users ALTER status SET DEFAULT 'active';";
    expect(await rulesFor(swap)).toEqual(["drop-default"]);
    expect(await rulesFor(swap.replace(";\n", ";\nCOMMIT;\nBEGIN;\n"), { transaction: "always" })).toEqual(["drop-default"]);
    expect(await rulesFor("BEGIN;\nALTER TABLE users ALTER status DROP DEFAULT;\nALTER TABLE users ALTER score SET DEFAULT 0;\nCOMMIT;")).toEqual([
      "drop-default",
    ]);
  });
});
