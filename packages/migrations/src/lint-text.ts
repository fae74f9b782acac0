/** Lints standalone SQL texts as one release: each file a migration of the plain layout (or the one given), in the order given. */
import { lintRelease, type LintFinding, type LintOptions, type MigrationSource } from "./lint.js";
import type { LayoutName, Migration, TransactionMode } from "./layout/discover.js";
import { decodeSql, withoutByteOrderMark, type EncodingProblem } from "./sql/encoding.js";

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

/** Lints files in the order given, as one release on top of `options.before`. */
export async function lintFiles(files: readonly TextFile[], options: LintTextOptions = {}): Promise<LintFinding[]> {
  const before = textSources(
    (options.before ?? []).map((text, i) => ({ path: `before-${i}.sql`, text })),
    options,
  );
  return lintRelease(before, textSources(files, options), options);
}

/** Each file as a migration of `options.layout` (plain by default) with the down given beside it, in the order given. */
export function textSources(files: readonly TextFile[], options: Omit<LintTextOptions, "before"> = {}): MigrationSource[] {
  return files.map((file) => {
    const downContent = file.down ?? null;
    const migration = standalone(file.path, options, downContent !== null);
    const up = decoded(file.path, file.text);
    const down = downContent === null ? null : decoded(migration.down ?? file.path, downContent);
    const encoding = [up, down].flatMap((d) => (d?.problem ? [{ path: d.path, problem: d.problem }] : []));
    return { migration, up: up.text, down: down?.text ?? null, ...(encoding.length > 0 ? { encoding } : {}) };
  });
}

/** Bytes decoded with their encoding problem; text as given, without a byte order mark (as decoding drops it). */
export function decoded(path: string, content: string | Uint8Array): { path: string; text: string; problem: EncodingProblem | null } {
  return typeof content === "string" ? { path, text: withoutByteOrderMark(content), problem: null } : { path, ...decodeSql(content) };
}

function standalone(path: string, options: Omit<LintTextOptions, "before">, hasDown: boolean): Migration {
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
