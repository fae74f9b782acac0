import { describe, expect, it } from "vitest";
import { lintOne, rulesFor } from "./fixture.js";

describe("detach-partition-not-concurrent", () => {
  it("fires on DETACH PARTITION without CONCURRENTLY from an existing table", async () => {
    expect(await rulesFor("ALTER TABLE users DETACH PARTITION users_2020;")).toEqual(["detach-partition-not-concurrent"]);
    const [finding] = await lintOne("SET lock_timeout = '2s';\nALTER TABLE users DETACH PARTITION users_2020;");
    expect(finding).toMatchObject({ rule: "detach-partition-not-concurrent", severity: "warn", line: 2 });
    expect(finding?.message).toContain("detaches partition users_2020 from users without CONCURRENTLY");
  });

  it("allows CONCURRENTLY, FINALIZE, and detaching from a table this release created", async () => {
    expect(await rulesFor("ALTER TABLE users DETACH PARTITION users_2020 CONCURRENTLY;")).toEqual([]);
    expect(await rulesFor("ALTER TABLE users DETACH PARTITION users_2020 FINALIZE;")).toEqual([]);
    const created = "CREATE TABLE m (at date) PARTITION BY RANGE (at); ALTER TABLE m DETACH PARTITION m_2020;";
    expect(await rulesFor(created)).toEqual([]);
  });

  it("counts DETACH PARTITION CONCURRENTLY as a concurrent operation: no lock timeout needed, refused in a transaction", async () => {
    expect(await lintOne("ALTER TABLE users DETACH PARTITION users_2020 CONCURRENTLY;")).toEqual([]);
    expect(await rulesFor("BEGIN; ALTER TABLE users DETACH PARTITION users_2020 CONCURRENTLY; COMMIT;")).toEqual(["concurrently-in-transaction"]);
    expect(await rulesFor("ALTER TABLE users DETACH PARTITION users_2020 CONCURRENTLY;", { layout: "dbmate", transaction: "always" })).toEqual([
      "concurrently-in-transaction",
    ]);
  });
});
