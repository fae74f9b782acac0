/** Reads a release's migration files from git (one ls-tree, one cat-file stream) and turns them into migrations. */
import { posix } from "node:path";
import { splitZ, type ObjectReader, type Repo } from "@shipgate/core";
import { detectLayout, discoverMigrations, type LayoutName } from "./layout/discover.js";
import type { MigrationSource } from "./lint.js";
import { decodeSql, type DecodedSql } from "./sql/encoding.js";
import { DEFAULT_DIRS, type MigrationsSettings } from "./settings.js";
import { migrationSources } from "./sources.js";

export interface TreeEntry {
  path: string;
  oid: string;
}

/** Blob entries under `dirs` at `rev` (paths from the repository root). */
export async function listTree(repo: Repo, rev: string, dirs: readonly string[]): Promise<TreeEntry[]> {
  if (dirs.length === 0) return [];
  const out = await repo.git.run(["ls-tree", "-r", "-z", "--full-tree", "--end-of-options", rev, "--", ...dirs], {
    hint: `Check that "${rev}" names a commit (fetch tags and full history in CI: fetch-depth: 0).`,
  });
  return splitZ(out.stdout).flatMap((record) => {
    const text = record.toString("utf8");
    const tab = text.indexOf("\t");
    const [, type, oid] = text.slice(0, tab).split(" ");
    return type === "blob" && oid !== undefined ? [{ path: text.slice(tab + 1), oid }] : [];
  });
}

export async function readTexts(objects: ObjectReader, entries: readonly TreeEntry[]): Promise<Map<string, string>> {
  const blobs = await objects.readMany(entries.map((e) => e.oid));
  return new Map(entries.map((e, i) => [e.path, blobs[i]?.content.toString("utf8") ?? ""]));
}

/** Migration files as text, each with what is wrong with its bytes (sql/encoding.ts). */
async function readSql(objects: ObjectReader, entries: readonly TreeEntry[]): Promise<Map<string, DecodedSql>> {
  const blobs = await objects.readMany(entries.map((e) => e.oid));
  return new Map(entries.map((e, i) => [e.path, decodeSql(blobs[i]?.content ?? Buffer.alloc(0))]));
}

export interface ReleaseMigrations {
  sources: MigrationSource[];
  /** Directories found, with their layout. */
  dirs: { dir: string; layout: LayoutName }[];
}

/** The migrations of the release at `rev`, per directory in apply order (directories in config order). */
export async function loadMigrations(
  repo: Repo,
  objects: ObjectReader,
  rev: string,
  settings: Pick<MigrationsSettings, "dirs" | "layout">,
): Promise<ReleaseMigrations> {
  const wanted = settings.dirs.length > 0 ? settings.dirs.map(trimSlash) : DEFAULT_DIRS;
  const entries = (await listTree(repo, rev, wanted)).filter((e) => e.path.endsWith(".sql") || e.path.endsWith("/metadata.toml"));
  const decoded = await readSql(objects, entries);
  const release: ReleaseMigrations = { sources: [], dirs: [] };
  for (const dir of wanted) {
    const files = new Map([...decoded].filter(([path]) => path.startsWith(`${dir}/`)));
    if (files.size === 0) continue;
    const texts = new Map([...files].map(([path, sql]) => [path, sql.text]));
    const layout = settings.layout === "auto" ? detectLayout(texts) : settings.layout;
    if (layout === null) continue;
    release.dirs.push({ dir, layout });
    release.sources.push(...migrationSources(files, discoverMigrations(texts, layout)));
  }
  return release;
}

/** Whether a path belongs to a migration directory (used without reading any content). */
export function inMigrationDirs(path: string, dirs: readonly string[]): boolean {
  const wanted = dirs.length > 0 ? dirs.map(trimSlash) : DEFAULT_DIRS;
  return (path.endsWith(".sql") || posix.basename(path) === "metadata.toml") && wanted.some((dir) => path.startsWith(`${dir}/`));
}

function trimSlash(dir: string): string {
  return dir.replace(/^\.\//, "").replace(/\/+$/, "");
}
