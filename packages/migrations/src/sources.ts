/** Migration files, read and decoded, as the sources the lint and the dynamic check take: up and down texts paired. */
import type { Migration } from "./layout/discover.js";
import type { MigrationSource } from "./lint.js";
import type { DecodedSql } from "./sql/encoding.js";

/** `migrations` (as discoverMigrations found them in `files`) with their texts and what is wrong with their bytes. */
export function migrationSources(files: ReadonlyMap<string, DecodedSql>, migrations: readonly Migration[]): MigrationSource[] {
  return migrations.map((migration) => {
    const down = migration.down === null || migration.down === migration.up ? null : (files.get(migration.down)?.text ?? null);
    const encoding = [migration.up, down === null ? null : migration.down].flatMap((path) => {
      const problem = path === null ? null : (files.get(path)?.problem ?? null);
      return path === null || problem === null ? [] : [{ path, problem }];
    });
    return { migration, up: files.get(migration.up)?.text ?? "", down, ...(encoding.length > 0 ? { encoding } : {}) };
  });
}
