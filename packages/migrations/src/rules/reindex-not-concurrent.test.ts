import { describe, expect, it } from "vitest";
import { lintOne, rulesFor } from "./fixture.js";

describe("reindex-not-concurrent", () => {
  it("fires on REINDEX of an existing index, table, schema or database without CONCURRENTLY", async () => {
    expect(await rulesFor("REINDEX INDEX users_email;")).toEqual(["reindex-not-concurrent"]);
    expect(await rulesFor("REINDEX TABLE public.users;")).toEqual(["reindex-not-concurrent"]);
    expect(await rulesFor("REINDEX SCHEMA public;")).toEqual(["reindex-not-concurrent"]);
    expect(await rulesFor("REINDEX (VERBOSE) DATABASE app;")).toEqual(["reindex-not-concurrent"]);
    const [finding] = await lintOne("SET lock_timeout = '2s';\nREINDEX TABLE users;");
    expect(finding).toMatchObject({ rule: "reindex-not-concurrent", severity: "warn", line: 2 });
    expect(finding?.message).toContain("reindexes table users without CONCURRENTLY");
  });

  it("allows REINDEX CONCURRENTLY, and reindexing a table or index this release created", async () => {
    expect(await rulesFor("REINDEX INDEX CONCURRENTLY users_email;")).toEqual([]);
    expect(await rulesFor("REINDEX (VERBOSE) TABLE CONCURRENTLY users;")).toEqual([]);
    expect(await rulesFor("CREATE TABLE t (a int); CREATE INDEX t_a ON t (a); REINDEX INDEX t_a; REINDEX TABLE t;")).toEqual([]);
  });
});
