/** The on-disk layout of a release-dir root: `releases/<name>`, their completion markers, `current`, `shared/`. */
import { createHash } from "node:crypto";
import { closeSync, fsyncSync, lstatSync, openSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { Release } from "../types.js";

/** Written last, beside the release directory: a directory without one is incomplete and never served. */
export interface ReleaseMarker {
  tag: string;
  sha: string;
  /** When the release finished building (ISO); orders releases for pruning. */
  completedAt: string;
}

export interface KeptRelease {
  name: string;
  dir: string;
  marker: ReleaseMarker | null;
}

export class ReleaseLayout {
  readonly releases: string;
  readonly current: string;
  readonly shared: string;

  constructor(readonly root: string) {
    this.releases = join(root, "releases");
    this.current = join(root, "current");
    this.shared = join(root, "shared");
  }

  dir(name: string): string {
    return join(this.releases, name);
  }

  /** Where `release` is built and looked for: `releases/<tag>`, or `releases/<tag>+<sha>` when that one holds another commit. */
  nameFor(release: Release): string {
    const base = safeDirName(release.tag);
    const marker = this.marker(base);
    // An incomplete directory is rebuilt in place, unless `current` points at it (its marker was removed by hand).
    const taken = marker === null ? this.currentName() === base : marker.sha !== release.sha;
    return taken ? `${base}+${release.sha.slice(0, 12)}` : base;
  }

  /** The complete directory of `release`, if one is kept. */
  find(release: Release): string | null {
    for (const name of [safeDirName(release.tag), `${safeDirName(release.tag)}+${release.sha.slice(0, 12)}`]) {
      const marker = this.marker(name);
      if (marker !== null && marker.sha === release.sha && exists(this.dir(name))) return name;
    }
    return null;
  }

  marker(name: string): ReleaseMarker | null {
    try {
      const parsed = JSON.parse(readFileSync(this.markerPath(name), "utf8")) as Partial<ReleaseMarker>;
      if (typeof parsed.sha !== "string" || typeof parsed.tag !== "string" || typeof parsed.completedAt !== "string") return null;
      return { tag: parsed.tag, sha: parsed.sha, completedAt: parsed.completedAt };
    } catch {
      return null;
    }
  }

  /** Marks `name` complete (write then rename, so a marker is never half written). */
  markComplete(name: string, release: Release): void {
    const marker: ReleaseMarker = { tag: release.tag, sha: release.sha, completedAt: new Date().toISOString() };
    const temporary = `${this.markerPath(name)}.tmp-${process.pid}`;
    writeFileSync(temporary, `${JSON.stringify(marker)}\n`);
    renameSync(temporary, this.markerPath(name));
    syncDir(this.releases);
  }

  /** Removes a release: its marker first, so a crash halfway leaves an incomplete directory, never a complete-looking one. */
  remove(name: string): void {
    rmSync(this.markerPath(name), { force: true });
    rmSync(this.dir(name), { recursive: true, force: true });
  }

  /** A private name beside the releases for building `name` before it gets its real name. */
  temporaryDir(name: string): string {
    return join(this.releases, `.${name}.tmp-${process.pid}`);
  }

  /** The release directory name `current` points to, or null. */
  currentName(): string | null {
    try {
      return basename(readlinkSync(this.current));
    } catch {
      return null;
    }
  }

  /** Points `current` at `releases/<name>` atomically: a new symlink beside it, renamed over it. */
  switchCurrent(name: string): void {
    const next = join(this.root, `.current.tmp-${process.pid}`);
    rmSync(next, { force: true });
    symlinkSync(join("releases", name), next);
    renameSync(next, this.current);
    syncDir(this.root);
  }

  /** Every release directory, complete or not, and the leftovers of builds whose process is gone. */
  list(): { kept: KeptRelease[]; abandoned: string[] } {
    const kept: KeptRelease[] = [];
    const abandoned: string[] = [];
    for (const entry of readdirSync(this.releases)) {
      const building = /^\.(.+)\.tmp-(\d+)(?:\.tar)?$/.exec(entry);
      if (building !== null) {
        if (!processAlive(Number(building[2]))) abandoned.push(join(this.releases, entry));
      } else if (!entry.startsWith(".")) {
        kept.push({ name: entry, dir: this.dir(entry), marker: this.marker(entry) });
      } else if (entry.endsWith(".json") && !exists(this.dir(entry.slice(1, -".json".length)))) {
        abandoned.push(join(this.releases, entry)); // a marker whose directory is gone
      }
    }
    return { kept, abandoned };
  }

  private markerPath(name: string): string {
    return join(this.releases, `.${name}.json`);
  }
}

/**
 * A directory name for a tag or branch name: letters, digits, `.`, `_` and `-` stay, everything else (`/`, spaces, a
 * leading dot) becomes %XX, so `release/1.2` is `release%2F1.2` and two names never share a directory.
 */
export function safeDirName(tag: string): string {
  const encoded = [...Buffer.from(tag, "utf8")]
    .map((byte, i) => {
      const char = String.fromCharCode(byte);
      return /[A-Za-z0-9_-]/.test(char) || (char === "." && i > 0) ? char : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
    })
    .join("");
  // File names have a length limit (255 bytes): a long name keeps its start and gets a hash of the whole.
  return encoded.length <= 200 ? encoded : `${encoded.slice(0, 180)}~${createHash("sha256").update(tag).digest("hex").slice(0, 16)}`;
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Makes a rename in `dir` durable before the next step relies on it. */
function syncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
