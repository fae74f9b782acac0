import { describe, expect, it } from "vitest";
import { detectLayout, discoverMigrations, dbmateSection } from "./discover.js";

const files = (paths: Record<string, string>) => new Map(Object.entries(paths));

describe("migration layouts", () => {
  it("orders plain numbered files numerically", () => {
    const tree = files({ "db/10_c.sql": "", "db/2_b.sql": "", "db/1_a.sql": "" });
    expect(detectLayout(tree)).toBe("plain");
    expect(discoverMigrations(tree, "plain").map((m) => [m.name, m.hasDowns, m.transaction])).toEqual([
      ["1_a", false, "none"],
      ["2_b", false, "none"],
      ["10_c", false, "none"],
    ]);
  });

  it("pairs Flyway V and U files, and runs R files last", () => {
    const tree = files({ "sql/V1_10__b.sql": "", "sql/V1_2__a.sql": "", "sql/U1_2__a.sql": "", "sql/R__views.sql": "" });
    expect(detectLayout(tree)).toBe("flyway");
    expect(discoverMigrations(tree, "flyway").map((m) => [m.up, m.down, m.repeatable])).toEqual([
      ["sql/V1_2__a.sql", "sql/U1_2__a.sql", false],
      ["sql/V1_10__b.sql", null, false],
      ["sql/R__views.sql", null, true],
    ]);
  });

  it("pairs golang-migrate up and down files", () => {
    const tree = files({ "m/000002_b.up.sql": "", "m/000001_a.up.sql": "", "m/000001_a.down.sql": "" });
    expect(detectLayout(tree)).toBe("golang-migrate");
    expect(discoverMigrations(tree, "golang-migrate").map((m) => [m.up, m.down, m.hasDowns])).toEqual([
      ["m/000001_a.up.sql", "m/000001_a.down.sql", true],
      ["m/000002_b.up.sql", null, true],
    ]);
  });

  it("reads dbmate sections and their transaction flag, keeping line numbers", () => {
    const text = "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (a);\n\n-- migrate:down\nDROP INDEX i;\n";
    const tree = files({ "db/migrations/20240101_a.sql": text });
    expect(detectLayout(tree)).toBe("dbmate");
    const [migration] = discoverMigrations(tree, "dbmate");
    expect(migration).toMatchObject({ down: "db/migrations/20240101_a.sql", transaction: "none", hasDowns: true });
    expect(dbmateSection(text, "down").split("\n")[4]).toBe("DROP INDEX i;");
    expect(dbmateSection(text, "up")).not.toContain("DROP INDEX");
  });

  it("reads Diesel/sqlx folders with up.sql, down.sql and metadata.toml", () => {
    const tree = files({
      "migrations/2024-01-01-000000_create/up.sql": "",
      "migrations/2024-01-01-000000_create/down.sql": "",
      "migrations/2024-02-01-000000_index/up.sql": "",
      "migrations/2024-02-01-000000_index/metadata.toml": "run_in_transaction = false\n",
    });
    expect(detectLayout(tree)).toBe("diesel");
    expect(discoverMigrations(tree, "diesel").map((m) => [m.name, m.down !== null, m.transaction])).toEqual([
      ["2024-01-01-000000_create", true, "always"],
      ["2024-02-01-000000_index", false, "none"],
    ]);
  });

  it("reads Prisma migration folders, which have no downs", () => {
    const tree = files({
      "prisma/migrations/20240102_b/migration.sql": "",
      "prisma/migrations/20240101_a/migration.sql": "",
      "prisma/migrations/migration_lock.toml": "",
    });
    expect(detectLayout(tree)).toBe("prisma");
    expect(discoverMigrations(tree, "prisma").map((m) => [m.name, m.hasDowns])).toEqual([
      ["20240101_a", false],
      ["20240102_b", false],
    ]);
  });
});
