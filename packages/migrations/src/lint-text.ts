/** Lints standalone SQL files (`shipgate migrations lint a.sql b.sql`): each file is a migration of the plain layout. */
import { lintRelease, type LintFinding, type LintOptions, type MigrationSource } from "./lint.js";
import type { LayoutName, Migration, TransactionMode } from "./layout/discover.js";

export interface TextFile {
  path: string;
  text: string;
  /** Content of its down migration, when the caller has one. */
  down?: string | null;
}

export interface LintTextOptions extends LintOptions {
  /** Schema the files build on (e.g. `CREATE TABLE` statements), applied before and never reported. */
  before?: readonly string[];
  layout?: LayoutName;
  transaction?: TransactionMode;
  hasDowns?: boolean;
}

/** Lints files in the order given, as one release. */
export async function lintFiles(files: readonly TextFile[], options: LintTextOptions = {}): Promise<LintFinding[]> {
  const source = (path: string, text: string, down: string | null): MigrationSource => ({
    migration: standalone(path, options, down !== null),
    up: text,
    down,
  });
  const before = (options.before ?? []).map((text, i) => source(`before-${i}.sql`, text, null));
  return lintRelease(
    before,
    files.map((f) => source(f.path, f.text, f.down ?? null)),
    options,
  );
}

function standalone(path: string, options: LintTextOptions, hasDown: boolean): Migration {
  return {
    layout: options.layout ?? "plain",
    version: "",
    name: path.replace(/^.*\//, "").replace(/\.sql$/, ""),
    up: path,
    down: hasDown ? `${path}.down` : null,
    hasDowns: options.hasDowns ?? hasDown,
    repeatable: false,
    transaction: options.transaction ?? "none",
  };
}
