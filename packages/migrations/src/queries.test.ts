import { beforeAll, describe, expect, it } from "vitest";
import { collectReads, oldReadsColumn, readQueryFile } from "./queries.js";
import { loadParser } from "./sql/parse.js";

beforeAll(() => loadParser());

describe("declared queries", () => {
  it("reads names and parameter types from the comments before each query", () => {
    const text = "-- name: find_user\n-- params: bigint\nSELECT id, email FROM users WHERE id = $1;\n\nINSERT INTO audit (who) VALUES ($1);\n";
    const { queries, error } = readQueryFile("q/users.sql", text);
    expect(error).toBeNull();
    expect(queries.map((q) => [q.name, q.line, q.params, q.sql])).toEqual([
      ["find_user", 3, ["bigint"], "SELECT id, email FROM users WHERE id = $1"],
      ["q/users.sql:5", 5, [], "INSERT INTO audit (who) VALUES ($1)"],
    ]);
  });

  it("collects the tables and columns they name, including INSERT targets", () => {
    const { queries } = readQueryFile("q.sql", "SELECT u.email FROM users u; INSERT INTO audit (who) VALUES (1);");
    const reads = collectReads(queries);
    expect(oldReadsColumn(reads, "users", "email")).toBe(true);
    expect(oldReadsColumn(reads, "audit", "who")).toBe(true);
    expect(oldReadsColumn(reads, "users", "name")).toBe(false);
    expect(oldReadsColumn(null, "users", "name")).toBe(true);
  });

  it("reports a query file that does not parse", () => {
    expect(readQueryFile("bad.sql", "SELECT 1;\nSELEC 2;").error?.line).toBe(2);
  });
});
