/** The `migrations:` section of `.shipgate.yml`, owned by this package: the release gate's migration settings. */
import * as v from "valibot";
import { defineSection, SEVERITIES } from "@shipgate/core";

export const MigrationsSection = v.strictObject({
  /** Migration directories relative to the repository root; empty means detect the usual places. */
  dirs: v.optional(v.array(v.string()), []),
  layout: v.optional(
    v.picklist(
      ["auto", "plain", "flyway", "golang-migrate", "dbmate", "diesel", "prisma"],
      "expected auto, plain, flyway, golang-migrate, dbmate, diesel or prisma",
    ),
    "auto",
  ),
  /** Per-rule severity: breaking and irreversible rules default to error, locking ones to warn. */
  rules: v.optional(v.record(v.string(), v.picklist(SEVERITIES, "expected one of off, error, warn")), {}),
  /** Globs of SQL files holding the queries the application runs; the previous release's must still prepare. */
  queries: v.optional(v.array(v.string()), []),
  /** The previous release's own test command, run in a worktree of it with DATABASE_URL set (a string runs through sh). */
  test: v.optional(
    v.strictObject({
      command: v.union([v.string(), v.array(v.string())], "expected a command string or an argument list"),
      timeout: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 600),
    }),
  ),
  /** PostgreSQL server for the dynamic check; PGlite (embedded) when absent. */
  database: v.optional(v.strictObject({ url: v.optional(v.string()) })),
  /** Apply the migrations on a real database and prove the previous release still works. */
  dynamic: v.optional(v.boolean(), true),
  /** Release tags (glob); editing a migration such a tag contains is refused. */
  tags: v.optional(v.string(), "v*"),
  /** Deploy environment whose last good release `--from auto` reads (`refs/shipgate/<env>/good`). */
  environment: v.optional(v.string(), "production"),
});

export const migrationsSection = defineSection("migrations", MigrationsSection);

export type MigrationsSettings = v.InferOutput<typeof MigrationsSection>;

/** Where migrations usually live, checked in order when `dirs` is empty. */
export const DEFAULT_DIRS = [
  "migrations",
  "db/migrations",
  "db/migrate",
  "prisma/migrations",
  "sql/migrations",
  "database/migrations",
  "supabase/migrations",
  "src/main/resources/db/migration",
];
