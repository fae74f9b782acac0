/** Migration layouts: recognises files of plain numbered SQL, Flyway, golang-migrate, dbmate, Diesel/sqlx and Prisma. */
import { posix } from "node:path";

export const LAYOUTS = ["plain", "flyway", "golang-migrate", "dbmate", "diesel", "prisma"] as const;
export type LayoutName = (typeof LAYOUTS)[number];

/**
 * How the migration tool runs a file: `always` wraps it in a transaction, `implicit` sends it in one round trip
 * (an implicit transaction when it has several statements), `none` runs statements one by one.
 */
export type TransactionMode = "always" | "implicit" | "none";

export interface Migration {
  layout: LayoutName;
  /** Sort key parts: numeric version components, compared numerically. */
  version: string;
  /** A short name for reports, e.g. `003_add_email`. */
  name: string;
  /** Path of the file with the up migration. */
  up: string;
  /** Path of the down (undo) migration, or null; for dbmate the same file as `up` (its `-- migrate:down` section). */
  down: string | null;
  /** Whether the layout has down migrations at all (a missing one is then a finding). */
  hasDowns: boolean;
  /** Flyway `R__` migrations run after versioned ones whenever they change. */
  repeatable: boolean;
  transaction: TransactionMode;
}

const FLYWAY = /^([VUR])(\d+(?:[._]\d+)*)?__(.+)\.sql$/;
const GOLANG = /^(\d+)_(.+)\.(up|down)\.sql$/;
const NUMBERED = /^(\d+)[_-](.+)\.sql$/;
const FOLDER_FILE = /^(up|down|migration)\.sql$/;

/** Picks the layout of a migration directory from its file names, and for dbmate from a file's markers. */
export function detectLayout(files: ReadonlyMap<string, string>): LayoutName | null {
  const bases = [...files.keys()].map((path) => ({ path, base: posix.basename(path), parent: posix.basename(posix.dirname(path)) }));
  const sql = bases.filter((f) => f.base.endsWith(".sql"));
  if (sql.length === 0) return null;
  const count = (test: (f: (typeof sql)[number]) => boolean) => sql.filter(test).length;
  const scores: [LayoutName, number][] = [
    ["prisma", count((f) => f.base === "migration.sql")],
    ["diesel", count((f) => (f.base === "up.sql" || f.base === "down.sql") && /^\d/.test(f.parent))],
    ["golang-migrate", count((f) => GOLANG.test(f.base))],
    ["flyway", count((f) => FLYWAY.test(f.base) && /^[VUR]/.test(f.base))],
    ["plain", count((f) => NUMBERED.test(f.base) && !GOLANG.test(f.base))],
  ];
  scores.sort((a, b) => b[1] - a[1]);
  const [best, score] = scores[0] ?? ["plain", 0];
  if (score === 0) return null;
  if (best === "plain" && sql.some((f) => /^--\s*migrate:up\b/m.test(files.get(f.path) ?? ""))) return "dbmate";
  return best;
}

/** Turns the files of one migration directory into migrations in the order the tool applies them. */
export function discoverMigrations(files: ReadonlyMap<string, string>, layout: LayoutName): Migration[] {
  // Each version split once, not once per comparison: a directory of a few hundred migrations is sorted on every lint.
  const keyed = collect(files, layout).map((migration) => ({ migration, parts: migration.version.split(".") }));
  return keyed.sort((a, b) => compareKeys(a.migration, b.migration, a.parts, b.parts)).map((k) => k.migration);
}

function collect(files: ReadonlyMap<string, string>, layout: LayoutName): Migration[] {
  const paths = [...files.keys()];
  const base = (path: string) => posix.basename(path);
  const out: Migration[] = [];
  switch (layout) {
    case "plain":
      for (const path of paths) {
        const m = NUMBERED.exec(base(path));
        if (m && !GOLANG.test(base(path))) out.push(make(layout, m[1] ?? "", path, null, false, "none"));
      }
      return out;
    case "dbmate":
      for (const path of paths) {
        const m = NUMBERED.exec(base(path));
        if (!m) continue;
        const text = files.get(path) ?? "";
        const noTransaction = /^--\s*migrate:up\b[^\n]*transaction:false/m.test(text);
        out.push({ ...make(layout, m[1] ?? "", path, path, true, noTransaction ? "none" : "always") });
      }
      return out;
    case "golang-migrate": {
      const downs = new Map<string, string>();
      for (const path of paths) {
        const m = GOLANG.exec(base(path));
        if (m && m[3] === "down") downs.set(`${posix.dirname(path)}/${m[1] ?? ""}`, path);
      }
      for (const path of paths) {
        const m = GOLANG.exec(base(path));
        if (!m || m[3] !== "up") continue;
        const text = files.get(path) ?? "";
        const mode = /^--\s*no-transaction\b/m.test(text) ? "none" : "implicit";
        out.push(make(layout, m[1] ?? "", path, downs.get(`${posix.dirname(path)}/${m[1] ?? ""}`) ?? null, true, mode));
      }
      return out;
    }
    case "flyway": {
      const undos = new Map<string, string>();
      for (const path of paths) {
        const m = FLYWAY.exec(base(path));
        if (m && m[1] === "U" && m[2] !== undefined) undos.set(normalizeVersion(m[2]), path);
      }
      const hasUndo = undos.size > 0;
      for (const path of paths) {
        const m = FLYWAY.exec(base(path));
        if (!m || m[1] === "U") continue;
        if (m[1] === "R") {
          out.push({ ...make(layout, "", path, null, false, "implicit"), repeatable: true });
          continue;
        }
        const version = normalizeVersion(m[2] ?? "");
        out.push(make(layout, version, path, undos.get(version) ?? null, hasUndo, "implicit"));
      }
      return out;
    }
    case "diesel":
    case "prisma": {
      const dirs = new Map<string, Set<string>>();
      for (const path of paths) {
        if (!FOLDER_FILE.test(base(path)) && base(path) !== "metadata.toml") continue;
        const dir = posix.dirname(path);
        dirs.set(dir, (dirs.get(dir) ?? new Set()).add(base(path)));
      }
      for (const [dir, names] of dirs) {
        const version = /^(\d[\d-]*)/.exec(posix.basename(dir))?.[1]?.replace(/-/g, "") ?? "";
        if (layout === "prisma") {
          if (names.has("migration.sql")) out.push(make(layout, version, `${dir}/migration.sql`, null, false, "always"));
          continue;
        }
        if (!names.has("up.sql")) continue;
        const metadata = files.get(`${dir}/metadata.toml`) ?? "";
        const upText = files.get(`${dir}/up.sql`) ?? "";
        const noTransaction = /run_in_transaction\s*=\s*false/.test(metadata) || /^--\s*no-transaction\b/m.test(upText);
        out.push(make(layout, version, `${dir}/up.sql`, names.has("down.sql") ? `${dir}/down.sql` : null, true, noTransaction ? "none" : "always"));
      }
      return out;
    }
  }
}

/**
 * Files the layout's tool reads together with the up migration at `path`: its down migration and, for Diesel, the
 * folder's metadata.toml (whose run_in_transaction decides the transaction mode). Flyway's undo files carry their own
 * description in the name, so they are found only among the files given.
 */
export function companionPaths(path: string, layout: LayoutName): string[] {
  const base = posix.basename(path);
  const beside = (name: string) => path.slice(0, path.length - base.length) + name; // written as `path` is: a/b, ./a/b
  if (layout === "diesel" && base === "up.sql") return [beside("down.sql"), beside("metadata.toml")];
  const golang = GOLANG.exec(base);
  if (layout === "golang-migrate" && golang?.[3] === "up") return [beside(`${golang[1] ?? ""}_${golang[2] ?? ""}.down.sql`)];
  return [];
}

function make(layout: LayoutName, version: string, up: string, down: string | null, hasDowns: boolean, transaction: TransactionMode): Migration {
  const base = posix.basename(up) === "up.sql" || posix.basename(up) === "migration.sql" ? posix.basename(posix.dirname(up)) : posix.basename(up);
  return { layout, version, name: base.replace(/(\.up)?\.sql$/, ""), up, down, hasDowns, repeatable: false, transaction };
}

function normalizeVersion(version: string): string {
  return version.replace(/_/g, ".");
}

/** Numeric comparison of dotted versions, repeatable migrations last, ties broken by path. */
export function compareMigrations(a: Migration, b: Migration): number {
  return compareKeys(a, b, a.version.split("."), b.version.split("."));
}

function compareKeys(a: Migration, b: Migration, pa: readonly string[], pb: readonly string[]): number {
  if (a.repeatable !== b.repeatable) return a.repeatable ? 1 : -1;
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? "";
    const y = pb[i] ?? "";
    if (x === y) continue;
    const diff = x.length !== y.length && /^\d+$/.test(x) && /^\d+$/.test(y) ? BigInt(x) - BigInt(y) : x < y ? -1n : 1n;
    if (diff !== 0n) return diff < 0n ? -1 : 1;
  }
  return a.up < b.up ? -1 : a.up > b.up ? 1 : 0;
}

/** dbmate keeps up and down in one file: the text of one section, blank-padded so line numbers stay true. */
export function dbmateSection(text: string, section: "up" | "down"): string {
  const up = /^--\s*migrate:up\b.*$/m.exec(text);
  const down = /^--\s*migrate:down\b.*$/m.exec(text);
  const keep = (from: number, to: number) => text.slice(0, from).replace(/[^\n]/g, " ") + text.slice(from, to);
  if (section === "up") return up ? keep(up.index, down && down.index > up.index ? down.index : text.length) : text;
  return down ? keep(down.index, up && up.index > down.index ? up.index : text.length) : "";
}
