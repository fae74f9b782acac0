import { describe, expect, it } from "vitest";
import { rulesFor } from "./fixture.js";

describe("index-not-concurrent", () => {
  it("fires on CREATE INDEX and DROP INDEX without CONCURRENTLY on existing tables", async () => {
    expect(await rulesFor("CREATE INDEX users_name ON users (name);")).toEqual(["index-not-concurrent"]);
    expect(await rulesFor("DROP INDEX users_email;")).toEqual(["index-not-concurrent"]);
  });
  it("allows CONCURRENTLY, and plain indexes on tables created in the same release", async () => {
    expect(await rulesFor("CREATE INDEX CONCURRENTLY users_name ON users (name);")).toEqual([]);
    expect(await rulesFor("CREATE TABLE t (a int); CREATE INDEX t_a ON t (a); DROP INDEX t_a;")).toEqual([]);
  });
});
