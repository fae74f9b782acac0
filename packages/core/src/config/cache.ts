/**
 * A cache of validated configs in the git dir, so a hook that runs on every commit skips YAML parsing and schema
 * validation while no file in the `extends` chain changed. Any doubt (missing, stale, unreadable) means a full load.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfigWithPlugins, type ConfigWithPlugins, type LoadedConfig } from "./load.js";
import { PRESETS } from "../presets.generated.js";
import { loadPlugins, type PluginImporter } from "../plugin/registry.js";
import type { Plugin } from "../plugin/plugin.js";

interface CacheEntry {
  key: string;
  loaded: LoadedConfig;
}

/**
 * Loads `file` (null: the recommended preset) and the plugins it names through a cache kept in `cacheDir` (the
 * repository's git dir). The key holds the plugin packages loaded, so a plugin installed or removed misses it.
 */
export async function loadConfigCached(
  file: string | null,
  cacheDir: string,
  importer: PluginImporter,
  always: readonly Plugin[] = [],
): Promise<ConfigWithPlugins> {
  const cachePath = join(cacheDir, "shipgate", "config-cache.json");
  const root = file === null ? "preset:recommended" : resolve(file);
  try {
    const entry = JSON.parse(readFileSync(cachePath, "utf8")) as CacheEntry;
    if (entry.loaded.files[0] === root && entry.key === keyFor(entry.loaded.files, entry.loaded.packages)) {
      const wanted = entry.loaded.packages.filter((name) => !always.some((plugin) => plugin.package === name));
      const plugins = [...always, ...(await loadPlugins(wanted, importer))];
      if (plugins.length - always.length === wanted.length) return { ...entry.loaded, plugins };
    }
  } catch {
    // no cache yet, or unreadable: load normally
  }
  const loaded = await loadConfigWithPlugins(file, importer, always);
  try {
    mkdirSync(join(cacheDir, "shipgate"), { recursive: true });
    const temp = `${cachePath}.${process.pid}.tmp`;
    const { plugins: _plugins, ...data } = loaded;
    writeFileSync(temp, JSON.stringify({ key: keyFor(loaded.files, loaded.packages), loaded: data } satisfies CacheEntry));
    renameSync(temp, cachePath);
  } catch {
    // a read-only git dir only costs speed
  }
  return loaded;
}

/**
 * Every file's size and mtime, the embedded presets, the plugin packages and the build that validated the entry, so a
 * change anywhere misses the cache: an upgraded shipgate may validate the same file differently (a server's trusted
 * config included), so what an older one validated is never reused.
 */
function keyFor(files: readonly string[], packages: readonly string[]): string {
  const parts = files.map((f) => {
    if (f.startsWith("preset:")) return `${f}:${(PRESETS[f.slice(7)] ?? "").length}:${hash(PRESETS[f.slice(7)] ?? "")}`;
    const st = statSync(f);
    return `${f}:${st.size}:${st.mtimeMs}:${st.ino}`;
  });
  return [...parts, ...packages.map((name) => `plugin:${name}`), buildId()].join("|");
}

/** This code's own file (in a bundle, the bundle: every build rewrites it), by size, mtime and inode. */
function buildId(): string {
  const st = statSync(fileURLToPath(import.meta.url));
  return `build:${st.size}:${st.mtimeMs}:${st.ino}`;
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
