/** Lints standalone SQL files (`shipgate migrations lint a.sql b.sql`): each file is a migration of the plain layout. */
import { lintRelease, type LintFinding, type LintOptions, type MigrationSource } from "./lint.js";
import type { LayoutName, Migration, TransactionMode } from "./layout/discover.js";
import { decodeSql, type EncodingProblem } from "./sql/encoding.js";

export interface TextFile {
  path: string;
  /** The file's content; pass the bytes as read so that bytes a database refuses are reported (invalid-encoding). */
  text: string | Uint8Array;
  /** Content of its down migration, when the caller has one. */
  down?: string | Uint8Array | null;
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
  const source = (path: string, content: string | Uint8Array, downContent: string | Uint8Array | null): MigrationSource => {
    const migration = standalone(path, options, downContent !== null);
    const up = decoded(path, content);
    const down = downContent === null ? null : decoded(migration.down ?? path, downContent);
    const encoding = [up, down].flatMap((d) => (d?.problem ? [{ path: d.path, problem: d.problem }] : []));
    return { migration, up: up.text, down: down?.text ?? null, ...(encoding.length > 0 ? { encoding } : {}) };
  };
  const before = (options.before ?? []).map((text, i) => source(`before-${i}.sql`, text, null));
  return lintRelease(
    before,
    files.map((f) => source(f.path, f.text, f.down ?? null)),
    options,
  );
}

function decoded(path: string, content: string | Uint8Array): { path: string; text: string; problem: EncodingProblem | null } {
  return typeof content === "string" ? { path, text: content, problem: null } : { path, ...decodeSql(content) };
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
