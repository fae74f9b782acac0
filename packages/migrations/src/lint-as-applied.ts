/**
 * Lints migration files as their tool applies them (`shipgate migrations lint db/migrations/*.sql`): sorted and paired
 * by their layout, and each migration judged as a release of its own on top of the migrations before it.
 */
import { companionPaths, detectLayout, discoverMigrations, type LayoutName, type Migration } from "./layout/discover.js";
import { lintSequence, type LintFinding, type LintOptions } from "./lint.js";
import { decoded, textSources, type TextFile } from "./lint-text.js";
import type { DecodedSql } from "./sql/encoding.js";
import { migrationSources } from "./sources.js";

/** `runner`: in the order the layout's tool applies the files; `given`: in the order given, each file an up migration. */
export type ApplyOrder = "runner" | "given";

export interface AsAppliedOptions extends LintOptions {
  /** The files' layout, or `auto` (the default) to detect it from their names and dbmate's markers. */
  layout?: LayoutName | "auto";
  order?: ApplyOrder;
  /**
   * Reads a file the layout's tool takes with a given one (a down migration, Diesel's metadata.toml) when it was not
   * given: its bytes, or null when there is none.
   */
  readCompanion?: (path: string) => Uint8Array | null;
}

export interface AsAppliedLint {
  findings: LintFinding[];
  /** The layout the files were read in; null when their names fit none and they were taken in the order given. */
  layout: LayoutName | null;
  /** The migrations in the order they were applied and judged. */
  migrations: Migration[];
  /** Given files the layout's tool would not run (a stray file, a down without its up); when any, nothing was linted. */
  unrecognised: string[];
}

export async function lintAsApplied(files: readonly TextFile[], options: AsAppliedOptions = {}): Promise<AsAppliedLint> {
  const chosen = options.layout === undefined || options.layout === "auto" ? null : options.layout;
  if (options.order === "given") return inOrderGiven(files, chosen, options);
  const given = new Map(files.map((f) => [f.path, decoded(f.path, f.text)]));
  const layout = chosen ?? detectLayout(new Map([...given].map(([path, sql]) => [path, sql.text])));
  if (layout === null) return inOrderGiven(files, null, options);
  const read = withCompanions(given, layout, options.readCompanion);
  const migrations = discoverMigrations(new Map([...read].map(([path, sql]) => [path, sql.text])), layout);
  const used = new Set(migrations.flatMap((m) => [m.up, m.down ?? m.up, ...companionPaths(m.up, layout)]));
  const unrecognised = files.map((f) => f.path).filter((path) => !used.has(path));
  if (unrecognised.length > 0) return { findings: [], layout, migrations: [], unrecognised };
  const sources = migrationSources(read, migrations);
  return { findings: await lintSequence(sources, options), layout, migrations: sources.map((s) => s.migration), unrecognised };
}

/** Each file an up migration, in the order given. */
async function inOrderGiven(files: readonly TextFile[], layout: LayoutName | null, options: LintOptions): Promise<AsAppliedLint> {
  const sources = textSources(files, layout === "dbmate" ? { layout, transaction: "always", hasDowns: true } : layout === null ? {} : { layout });
  return { findings: await lintSequence(sources, options), layout, migrations: sources.map((s) => s.migration), unrecognised: [] };
}

/** The given files, plus the companions of their up migrations that were not given but exist. */
function withCompanions(given: ReadonlyMap<string, DecodedSql>, layout: LayoutName, read: AsAppliedOptions["readCompanion"]): Map<string, DecodedSql> {
  const out = new Map(given);
  if (read === undefined) return out;
  for (const path of [...given.keys()].flatMap((path) => companionPaths(path, layout))) {
    if (out.has(path)) continue;
    const bytes = read(path);
    if (bytes !== null) out.set(path, decoded(path, bytes));
  }
  return out;
}
