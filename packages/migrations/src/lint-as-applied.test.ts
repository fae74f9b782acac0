import { describe, expect, it } from "vitest";
import { lintAsApplied } from "./lint-as-applied.js";
import type { TextFile } from "./lint-text.js";

const files = (texts: Record<string, string | Uint8Array>): TextFile[] => Object.entries(texts).map(([path, text]) => ({ path, text }));
const summary = (findings: { path: string; line: number; rule: string }[]) => findings.map((f) => `${f.path}:${f.line} ${f.rule}`);
const quiet = { rules: { "missing-lock-timeout": "off" } } as const;

describe("lintAsApplied", () => {
  it("judges each migration against the schema the migrations before it built, not as one release from an empty schema", async () => {
    const result = await lintAsApplied(
      files({
        "db/001_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY, name text, legacy text);\nCREATE TABLE audit (id bigint);",
        "db/002_cleanup.sql": "CREATE TABLE scratch (id bigint);\nDROP TABLE scratch;\nALTER TABLE users DROP COLUMN legacy;\nDROP TABLE audit;",
        "db/003_index.sql": "CREATE INDEX users_name ON users (name);",
      }),
      quiet,
    );
    expect(result.layout).toBe("plain");
    expect(summary(result.findings)).toEqual([
      "db/002_cleanup.sql:3 drop-column",
      "db/002_cleanup.sql:4 drop-table",
      "db/003_index.sql:1 index-not-concurrent",
    ]);
  });

  it("applies numbered files in version order, not in the order a shell glob sorts them", async () => {
    const given = files({
      "m/1_create.sql": "CREATE TABLE t (c varchar(10));",
      "m/10_shrink.sql": "ALTER TABLE t ALTER c TYPE varchar(15);",
      "m/2_widen.sql": "ALTER TABLE t ALTER c TYPE varchar(20);",
    });
    const result = await lintAsApplied(given, quiet);
    expect(result.migrations.map((m) => m.up)).toEqual(["m/1_create.sql", "m/2_widen.sql", "m/10_shrink.sql"]);
    expect(summary(result.findings)).toEqual(["m/10_shrink.sql:1 narrow-column-type"]);
    const asGiven = await lintAsApplied(given, { ...quiet, order: "given" });
    expect(asGiven.migrations.map((m) => m.up)).toEqual(["m/1_create.sql", "m/10_shrink.sql", "m/2_widen.sql"]);
    expect(asGiven.findings).toEqual([]);
  });

  it("takes golang-migrate down files as the downs of their migrations, never as migrations of their own", async () => {
    const result = await lintAsApplied(
      files({
        "db/000001_users.down.sql": "DROP TABLE users;",
        "db/000001_users.up.sql": "CREATE TABLE users (id bigint PRIMARY KEY);",
        "db/000002_bio.down.sql": "",
        "db/000002_bio.up.sql": "ALTER TABLE users ADD COLUMN bio text;",
        "db/000003_nick.up.sql": "ALTER TABLE users ADD COLUMN nick text;",
      }),
      quiet,
    );
    expect(result.layout).toBe("golang-migrate");
    expect(result.migrations.map((m) => [m.up, m.down])).toEqual([
      ["db/000001_users.up.sql", "db/000001_users.down.sql"],
      ["db/000002_bio.up.sql", "db/000002_bio.down.sql"],
      ["db/000003_nick.up.sql", null],
    ]);
    expect(summary(result.findings)).toEqual(["db/000002_bio.down.sql:1 empty-down", "db/000003_nick.up.sql:1 missing-down"]);
  });

  it("reads the down and metadata.toml beside a Diesel up.sql when only the up was given", async () => {
    const beside: Record<string, string> = {
      "migrations/2024-01-01-000000_users/down.sql": "DROP TABLE users;",
      "migrations/2024-02-01-000000_index/down.sql": "DROP INDEX CONCURRENTLY users_id;",
      "migrations/2024-02-01-000000_index/metadata.toml": "run_in_transaction = false\n",
    };
    const asked: string[] = [];
    const result = await lintAsApplied(
      files({
        "migrations/2024-02-01-000000_index/up.sql": "CREATE INDEX CONCURRENTLY users_id ON users (id);",
        "migrations/2024-01-01-000000_users/up.sql": "CREATE TABLE users (id bigint);",
      }),
      {
        ...quiet,
        readCompanion: (path) => {
          asked.push(path);
          return path in beside ? Buffer.from(beside[path] ?? "") : null;
        },
      },
    );
    expect(result.layout).toBe("diesel");
    expect(result.migrations.map((m) => [m.name, m.down, m.transaction])).toEqual([
      ["2024-01-01-000000_users", "migrations/2024-01-01-000000_users/down.sql", "always"],
      ["2024-02-01-000000_index", "migrations/2024-02-01-000000_index/down.sql", "none"],
    ]);
    expect(result.findings).toEqual([]);
    expect(asked.sort()).toEqual([
      "migrations/2024-01-01-000000_users/down.sql",
      "migrations/2024-01-01-000000_users/metadata.toml",
      "migrations/2024-02-01-000000_index/down.sql",
      "migrations/2024-02-01-000000_index/metadata.toml",
    ]);
  });

  it("names the given files that the detected layout's tool would not run, and lints nothing", async () => {
    const result = await lintAsApplied(
      files({ "db/000001_a.up.sql": "CREATE TABLE a (id int);", "db/seed.sql": "DROP TABLE a;", "db/000002_b.down.sql": "SELECT 1;" }),
      quiet,
    );
    expect(result).toEqual({ layout: "golang-migrate", migrations: [], findings: [], unrecognised: ["db/seed.sql", "db/000002_b.down.sql"] });
  });

  it("lints files whose names no layout recognises in the order given, each on top of the ones before", async () => {
    const result = await lintAsApplied(files({ "schema.sql": "CREATE TABLE t (a int);", "change.sql": "DROP TABLE t;" }), quiet);
    expect(result.layout).toBeNull();
    expect(result.migrations.map((m) => m.up)).toEqual(["schema.sql", "change.sql"]);
    expect(summary(result.findings)).toEqual(["change.sql:1 drop-table"]);
  });

  it("reads a dbmate file saved with a byte order mark by its markers and sections", async () => {
    const bom = (text: string) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    const result = await lintAsApplied(
      files({
        "db/migrations/20240101000000_users.sql": bom("-- migrate:up\nCREATE TABLE users (id bigint, name text);\n-- migrate:down\nDROP TABLE users;\n"),
        "db/migrations/20240201000000_name.sql": bom(
          "-- migrate:up\nALTER TABLE users DROP COLUMN name;\n\n-- migrate:down\nALTER TABLE users ADD COLUMN name text;\n",
        ),
      }),
      quiet,
    );
    expect(result.layout).toBe("dbmate");
    expect(summary(result.findings)).toEqual(["db/migrations/20240201000000_name.sql:2 drop-column"]);
  });
});
