/**
 * End-to-end tests install what users install: the publishable workspace packages are built and `pnpm pack`ed once
 * per content version into a cache, then installed from those tarballs into a fresh directory with plain npm.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The monorepo root. */
export const workspaceRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

interface WorkspacePackage {
  name: string;
  dir: string;
}

/** Packages that would be published: every packages/* with a package.json that is not private. */
export function publishablePackages(): WorkspacePackage[] {
  const base = join(workspaceRoot, "packages");
  return readdirSync(base)
    .map((entry) => join(base, entry))
    .filter((dir) => existsSync(join(dir, "package.json")))
    .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name: string; private?: boolean } }))
    .filter(({ pkg }) => pkg.private !== true)
    .map(({ dir, pkg }) => ({ name: pkg.name, dir }));
}

/** Builds the workspace (tsc -b and whatever the root build script adds); serialised across test workers by a lock. */
export async function ensureBuilt(): Promise<void> {
  await withLock(join(workspaceRoot, "node_modules", ".cache", "shipgate-build.lock"), async () => {
    execFileSync("pnpm", ["-s", "run", "build"], { cwd: workspaceRoot, stdio: ["ignore", "ignore", "pipe"] });
  });
}

let packed: Promise<Record<string, string>> | null = null;

/** `pnpm pack`s every publishable package (workspace:* becomes the version) into a cache keyed by their content. */
export function packWorkspace(): Promise<Record<string, string>> {
  packed ??= (async () => {
    await ensureBuilt();
    const packages = publishablePackages();
    const cacheRoot = join(workspaceRoot, "node_modules", ".cache", "shipgate-pack");
    const cache = join(cacheRoot, contentHash(packages));
    const manifest = join(cache, "tarballs.json");
    await withLock(`${cache}.lock`, async () => {
      if (existsSync(manifest)) return;
      const staging = `${cache}.tmp-${process.pid}`;
      rmSync(staging, { recursive: true, force: true });
      const tarballs: Record<string, string> = {};
      for (const { name, dir } of packages) {
        const out = join(staging, name.replace(/^@/, "").replace("/", "-"));
        mkdirSync(out, { recursive: true });
        execFileSync("pnpm", ["pack", "--pack-destination", out], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
        const file = readdirSync(out).find((entry) => entry.endsWith(".tgz"));
        if (file === undefined) throw new Error(`pnpm pack wrote no tarball for ${name}`);
        tarballs[name] = join(cache, relative(staging, join(out, file)));
      }
      writeFileSync(join(staging, "tarballs.json"), JSON.stringify(tarballs, null, 2));
      rmSync(cache, { recursive: true, force: true });
      renameSync(staging, cache);
    });
    return JSON.parse(readFileSync(manifest, "utf8")) as Record<string, string>;
  })();
  return packed;
}

/**
 * Installs the named packages from their tarballs into `dir` with `npm install`, the way an admin or user would;
 * every workspace package resolves to its local tarball (npm `overrides`), third-party ones come from the registry.
 */
export async function installTarballs(dir: string, names: readonly string[]): Promise<void> {
  const tarballs = await packWorkspace();
  const spec = (name: string) => {
    const file = tarballs[name];
    if (file === undefined) throw new Error(`${name} is not a publishable workspace package (have: ${Object.keys(tarballs).join(", ")})`);
    return `file:${file}`;
  };
  const dependencies = Object.fromEntries(names.map((name) => [name, spec(name)]));
  const overrides = Object.fromEntries(Object.keys(tarballs).map((name) => [name, spec(name)]));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "shipgate-e2e-install", private: true, dependencies, overrides }, null, 2));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", "--prefer-offline"], {
    cwd: dir,
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, npm_config_workspaces: "false" },
  });
}

function contentHash(packages: readonly WorkspacePackage[]): string {
  const hash = createHash("sha256");
  const walk = (path: string) => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path).sort()) if (entry !== "node_modules" && entry !== "src" && !entry.endsWith(".tsbuildinfo")) walk(join(path, entry));
    } else hash.update(`${relative(workspaceRoot, path)}\0${stat.size}\0${stat.mtimeMs}\0`);
  };
  for (const { dir } of packages) walk(dir);
  return hash.digest("hex").slice(0, 16);
}

/** A cross-process lock from an exclusive mkdir; stale locks (a crashed worker) expire after ten minutes. */
async function withLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  mkdirSync(dirname(path), { recursive: true });
  for (;;) {
    try {
      mkdirSync(path);
      break;
    } catch {
      try {
        if (Date.now() - statSync(path).mtimeMs > 600_000) rmSync(path, { recursive: true, force: true });
      } catch {
        // the holder just released it
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(path, { recursive: true, force: true });
  }
}
