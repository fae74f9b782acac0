/**
 * When the daemon's loaded tools are stale: the state of every file that decides what eslint and prettier do for the
 * files it has linted (configs, ignore files, package.json, lockfiles, the installed tools) is recorded before the
 * tools first read it, and compared before each request. Any difference means a reload.
 */
import { statSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";

/** Files in every directory from a linted file up to the work tree that eslint or prettier may read. */
const PER_DIRECTORY = [
  ...["js", "mjs", "cjs", "ts", "mts", "cts"].map((ext) => `eslint.config.${ext}`),
  ...["", ".json", ".yaml", ".yml", ".json5", ".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".toml"].map((ext) => `.prettierrc${ext}`),
  ...["js", "mjs", "cjs", "ts", "mts", "cts"].map((ext) => `prettier.config.${ext}`),
  "package.json",
  "package.yaml",
  ".editorconfig",
  ".prettierignore",
  ".gitignore",
  ".eslintignore",
  "tsconfig.json",
  "jsconfig.json",
  // An install changes these: a tool's version, or a plugin's (node_modules itself gains or loses entries).
  "node_modules",
  "node_modules/eslint/package.json",
  "node_modules/prettier/package.json",
];

/** Files at the work tree's root that change when dependencies do. */
const AT_ROOT = [
  "package-lock.json",
  "npm-shrinkwrap.json",
  "pnpm-lock.yaml",
  "yarn.lock",
  "bun.lock",
  "bun.lockb",
  ".pnp.cjs",
  ".yarnrc.yml",
  ".npmrc",
  "node_modules/.modules.yaml",
  "node_modules/.package-lock.json",
  "node_modules/.yarn-state.yml",
  "node_modules/.yarn-integrity",
];

export class Fingerprint {
  private readonly seen = new Map<string, string>();

  constructor(private readonly workTree: string) {}

  /**
   * The first file whose state differs from when it was recorded, or null; files not seen before are recorded now,
   * before any tool reads them for these paths.
   */
  check(paths: Iterable<string>): string | null {
    let changed: string | null = null;
    for (const file of this.filesFor(paths)) {
      const now = signature(file);
      const before = this.seen.get(file);
      if (before === undefined) this.seen.set(file, now);
      else if (before !== now && changed === null) changed = file;
    }
    return changed;
  }

  /** Forgets everything: after a reload, the next check records afresh. */
  reset(): void {
    this.seen.clear();
  }

  private filesFor(paths: Iterable<string>): Set<string> {
    const dirs = new Set<string>();
    for (const path of paths) {
      for (let dir = path; inside(this.workTree, dir) && !dirs.has(dir); dir = dirname(dir)) {
        dirs.add(dir);
        if (dir === this.workTree) break;
      }
    }
    const files = new Set(AT_ROOT.map((name) => join(this.workTree, name)));
    for (const dir of dirs) for (const name of PER_DIRECTORY) files.add(join(dir, name));
    return files;
  }
}

/** Whether `path` is `root` or below it. */
export function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !rel.startsWith(sep));
}

/** Identity, size and change time (symlinks followed: a reinstalled package is a new file), or "-" when absent. */
function signature(path: string): string {
  const stats = statSync(path, { throwIfNoEntry: false, bigint: true });
  return stats === undefined ? "-" : `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}`;
}
