import { describe, expect, it } from "vitest";
import { rulesFor } from "./fixture.js";

describe("narrow-column-type", () => {
  it("fires on a shorter varchar, a smaller integer and fewer digits", async () => {
    expect(await rulesFor("ALTER TABLE users ALTER name TYPE varchar(20);")).toEqual(["narrow-column-type"]);
    expect(await rulesFor("ALTER TABLE users ALTER id TYPE int;")).toEqual(["narrow-column-type"]);
    expect(await rulesFor("ALTER TABLE users ALTER price TYPE numeric(6,2);")).toEqual(["narrow-column-type"]);
  });
  it("does not fire on a wider type", async () => {
    expect(await rulesFor("ALTER TABLE users ALTER name TYPE varchar(60);")).toEqual([]);
  });
});
