/** Migration files, read and decoded, as the sources the lint and the dynamic check take: in apply order, up and down paired. */
import { discoverMigrations, type LayoutName } from "./layout/discover.js";
import type { MigrationSource } from "./lint.js";
import type { DecodedSql } from "./sql/encoding.js";

/** The migrations of `files` (path -> decoded content) in `layout`, each with its texts and what is wrong with their bytes. */
export function migrationSources(files: ReadonlyMap<string, DecodedSql>, layout: LayoutName): MigrationSource[] {
  const texts = new Map([...files].map(([path, sql]) => [path, sql.text]));
  return discoverMigrations(texts, layout).map((migration) => {
    const down = migration.down === null || migration.down === migration.up ? null : (texts.get(migration.down) ?? null);
    const encoding = [migration.up, down === null ? null : migration.down].flatMap((path) => {
      const problem = path === null ? null : (files.get(path)?.problem ?? null);
      return path === null || problem === null ? [] : [{ path, problem }];
    });
    return { migration, up: texts.get(migration.up) ?? "", down, ...(encoding.length > 0 ? { encoding } : {}) };
  });
}
