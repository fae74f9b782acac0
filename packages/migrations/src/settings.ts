/** The `migrations:` section of `.shipgate.yml` as this package reads it (the schema lives in @shipgate/core). */
import { ConfigSchema, type Config } from "@shipgate/core";

export type MigrationsSettings = NonNullable<Config["migrations"]>;

/** The section's valibot schema, for policy options. */
export const MigrationsOptions = ConfigSchema.entries.migrations.wrapped;

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
