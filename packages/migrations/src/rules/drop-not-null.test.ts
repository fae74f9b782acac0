import { describe, expect, it } from "vitest";
import { collectReads } from "../queries.js";
import { lintOne, rulesFor } from "./fixture.js";

describe("drop-not-null", () => {
  it("fires when a NOT NULL column of an existing table becomes nullable, as a breaking error", async () => {
    expect(await rulesFor("ALTER TABLE users ALTER COLUMN email DROP NOT NULL;")).toEqual(["drop-not-null"]);
    const [finding] = await lintOne("SET lock_timeout = '2s';\nALTER TABLE users ALTER email DROP NOT NULL;");
    expect(finding).toMatchObject({ rule: "drop-not-null", category: "breaking", severity: "error", line: 2 });
    expect(finding?.message).toContain("drops NOT NULL from users.email: the new release may then write NULL");
  });

  it("names the previous release's query that reads the column", async () => {
    const oldReads = collectReads([{ name: "find_user", path: "q.sql", line: 1, sql: "SELECT id, email FROM users WHERE id = $1", params: [] }]);
    const [finding] = await lintOne("ALTER TABLE users ALTER email DROP NOT NULL;", { oldReads, rules: { "missing-lock-timeout": "off" } });
    expect(finding?.message).toContain("reads the column (query find_user)");
  });

  it("does not fire on a new table, a column this release added, an already nullable column, or one old queries do not read", async () => {
    expect(await rulesFor("CREATE TABLE t (a int NOT NULL); ALTER TABLE t ALTER a DROP NOT NULL;")).toEqual([]);
    expect(await rulesFor("ALTER TABLE users ADD COLUMN nick text NOT NULL DEFAULT ''; ALTER TABLE users ALTER nick DROP NOT NULL;")).toEqual([]);
    expect(await rulesFor("ALTER TABLE users ALTER name DROP NOT NULL;")).toEqual([]);
    const oldReads = collectReads([{ name: "q", path: "q.sql", line: 1, sql: "SELECT id, name FROM users", params: [] }]);
    expect(await rulesFor("ALTER TABLE users ALTER email DROP NOT NULL;", { oldReads })).toEqual([]);
  });
});
