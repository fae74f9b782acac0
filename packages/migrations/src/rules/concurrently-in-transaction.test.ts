import { describe, expect, it } from "vitest";
import { rulesFor } from "./fixture.js";

const INDEX = "CREATE INDEX CONCURRENTLY users_name ON users (name);";

describe("concurrently-in-transaction", () => {
  it("fires inside an explicit BEGIN", async () => {
    expect(await rulesFor(`BEGIN; ${INDEX} COMMIT;`)).toEqual(["concurrently-in-transaction"]);
  });
  it("fires where the layout wraps each migration in a transaction, or sends several statements at once", async () => {
    expect(await rulesFor(INDEX, { layout: "dbmate", transaction: "always" })).toEqual(["concurrently-in-transaction"]);
    expect(await rulesFor(`${INDEX} ALTER TABLE users ADD COLUMN x int;`, { transaction: "implicit" })).toEqual(["concurrently-in-transaction"]);
  });
  it("does not fire when the migration runs outside a transaction", async () => {
    expect(await rulesFor(`SET lock_timeout = '1s'; ${INDEX}`, { transaction: "implicit" })).toEqual([]);
    expect(await rulesFor(`${INDEX} ALTER TABLE users ADD COLUMN x int;`, { transaction: "none" })).toEqual([]);
  });
});
