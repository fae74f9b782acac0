import { describe, expect, it } from "vitest";
import { createRepo } from "@shipgate/test-utils";
import { runCli } from "./cli.js";

const USERS = "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, name text);\n";

describe("shipgate migrations lint <files>", () => {
  it("judges each file of the documented db/migrations/*.sql against the schema the files before it built", async () => {
    const repo = createRepo({
      files: {
        "db/migrations/001_users.sql": USERS,
        "db/migrations/002_scratch.sql":
          "SET lock_timeout = '2s';\nCREATE TABLE scratch (id bigint);\nDROP TABLE scratch;\nALTER TABLE users DROP COLUMN name;\n",
        "db/migrations/010_email.sql": "SET lock_timeout = '2s';\nALTER TABLE users ALTER COLUMN email DROP NOT NULL;\nDROP TABLE users;\n",
      },
    });
    const result = await runCli(repo, ["migrations", "lint", "db/migrations/001_users.sql", "db/migrations/002_scratch.sql", "db/migrations/010_email.sql"]);
    expect(result.stdout.split("\n").filter((line) => /^\S+:\d+:\d+ /.test(line))).toEqual([
      expect.stringMatching(/^db\/migrations\/002_scratch\.sql:4:1 {2}error {2}\[drop-column\] drops column users\.name/),
      expect.stringMatching(/^db\/migrations\/010_email\.sql:2:1 {2}error {2}\[drop-not-null\] drops NOT NULL from users\.email/),
      expect.stringMatching(/^db\/migrations\/010_email\.sql:3:1 {2}error {2}\[drop-table\] drops table users/),
    ]);
    expect(result.stdout).toContain("3 migration(s) as plain applies them, 3 error(s), 0 warning(s)\n");
    expect(result.code).toBe(1);
  });

  it("applies golang-migrate files in version order with their downs, and says so in JSON", async () => {
    const repo = createRepo({
      files: {
        "m/2_bio.up.sql": "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN bio text;\n",
        "m/2_bio.down.sql": "ALTER TABLE users DROP COLUMN bio;\n",
        "m/10_nick.up.sql": "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN nick text;\n",
        "m/10_nick.down.sql": "ALTER TABLE users DROP COLUMN nick;\n",
        "m/1_users.up.sql": USERS,
        "m/1_users.down.sql": "DROP TABLE users;\n",
      },
    });
    const result = await runCli(repo, ["migrations", "lint", "--format", "json", "m/10_nick.up.sql", "m/1_users.up.sql", "m/2_bio.down.sql", "m/2_bio.up.sql"]);
    expect(JSON.parse(result.stdout)).toEqual({
      layout: "golang-migrate",
      migrations: [
        { up: "m/1_users.up.sql", down: "m/1_users.down.sql" },
        { up: "m/2_bio.up.sql", down: "m/2_bio.down.sql" },
        { up: "m/10_nick.up.sql", down: "m/10_nick.down.sql" },
      ],
      findings: [],
    });
    expect(result.code).toBe(0);
  });

  it("reads a Diesel migration's down.sql and metadata.toml from beside its up.sql", async () => {
    const repo = createRepo({
      files: {
        "migrations/2024-01-01-000000_users/up.sql": USERS,
        "migrations/2024-01-01-000000_users/down.sql": "DROP TABLE users;\n",
        "migrations/2024-02-01-000000_email/up.sql": "CREATE UNIQUE INDEX CONCURRENTLY users_email ON users (email);\n",
        "migrations/2024-02-01-000000_email/down.sql": "DROP INDEX CONCURRENTLY users_email;\n",
        "migrations/2024-02-01-000000_email/metadata.toml": "run_in_transaction = false\n",
        "migrations/2024-03-01-000000_name/up.sql": "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN nick text;\n",
      },
    });
    const ups = ["migrations/2024-01-01-000000_users/up.sql", "migrations/2024-02-01-000000_email/up.sql", "migrations/2024-03-01-000000_name/up.sql"];
    const result = await runCli(repo, ["migrations", "lint", "--format", "json", ...ups]);
    const report = JSON.parse(result.stdout) as { migrations: { up: string; down?: string }[]; findings: { path: string; rule: string }[] };
    expect(report.migrations.map((m) => m.down)).toEqual([
      "migrations/2024-01-01-000000_users/down.sql",
      "migrations/2024-02-01-000000_email/down.sql",
      undefined,
    ]);
    expect(report.findings.map((f) => `${f.path} ${f.rule}`)).toEqual(["migrations/2024-03-01-000000_name/up.sql missing-down"]);
    expect(result.code).toBe(1);
  });

  it("refuses, with exit 2 and the fix, files that the detected layout's tool would not run, and an unknown --layout or --order", async () => {
    const repo = createRepo({ files: { "db/000001_users.up.sql": USERS, "db/seed.sql": "DROP TABLE users;\n", "db/000002_x.down.sql": "SELECT 1;\n" } });
    const stray = await runCli(repo, ["migrations", "lint", "db/000001_users.up.sql", "db/seed.sql", "db/000002_x.down.sql"]);
    expect(stray.stderr).toContain(
      "db/seed.sql, db/000002_x.down.sql are not migrations of the golang-migrate layout of the other files: its tool would not run them",
    );
    expect(stray.stderr).toContain("--order given");
    expect(stray.stdout).toBe("");
    expect(stray.code).toBe(2);

    const given = await runCli(repo, ["migrations", "lint", "--order", "given", "db/000001_users.up.sql", "db/seed.sql"]);
    expect(given.stdout).toMatch(/^db\/seed\.sql:1:1 {2}error {2}\[drop-table\] drops table users/);
    expect(given.stdout).toContain("2 migration(s) in the order given, 1 error(s), 1 warning(s)\n");
    expect(given.code).toBe(1);

    for (const [option, value, said] of [
      ["--layout", "diesl", '--layout "diesl" (did you mean diesel?): expected auto, plain, flyway, golang-migrate, dbmate, diesel, prisma'],
      ["--order", "sorted", '--order "sorted": expected runner, given'],
    ] as const) {
      const refused = await runCli(repo, ["migrations", "lint", option, value, "db/seed.sql"]);
      expect(refused.stderr).toContain(said);
      expect(refused.code).toBe(2);
    }
  });
});
