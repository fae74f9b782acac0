import { describe, expect, it } from "vitest";
import { rulesFor } from "./fixture.js";

describe("add-unique-constraint", () => {
  it("fires on ADD UNIQUE or PRIMARY KEY that builds its own index", async () => {
    expect(await rulesFor("ALTER TABLE users ADD CONSTRAINT users_name UNIQUE (name);")).toEqual(["add-unique-constraint"]);
    expect(await rulesFor("ALTER TABLE orders ADD PRIMARY KEY (user_id);")).toEqual(["add-unique-constraint"]);
  });
  it("does not fire when it reuses an index built CONCURRENTLY", async () => {
    expect(await rulesFor("ALTER TABLE users ADD CONSTRAINT users_name UNIQUE USING INDEX users_name_idx;")).toEqual([]);
  });
});
