import { describe, expect, it } from "vitest";
import { rulesFor } from "./fixture.js";

describe("constraint-not-valid", () => {
  it("fires on a FOREIGN KEY or CHECK added without NOT VALID", async () => {
    expect(await rulesFor("ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id);")).toEqual(["constraint-not-valid"]);
    expect(await rulesFor("ALTER TABLE users ADD CONSTRAINT pos CHECK (score > 0);")).toEqual(["constraint-not-valid"]);
  });
  it("fires when VALIDATE runs in the transaction that added the constraint NOT VALID", async () => {
    const sql = "BEGIN; ALTER TABLE users ADD CONSTRAINT pos CHECK (score > 0) NOT VALID; ALTER TABLE users VALIDATE CONSTRAINT pos; COMMIT;";
    expect(await rulesFor(sql)).toEqual(["constraint-not-valid"]);
  });
  it("does not fire on NOT VALID followed by VALIDATE outside one transaction", async () => {
    expect(await rulesFor("ALTER TABLE users ADD CONSTRAINT pos CHECK (score > 0) NOT VALID; ALTER TABLE users VALIDATE CONSTRAINT pos;")).toEqual([]);
  });
});
