import { describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "@shipgate/test-utils";
import type { PluginImporter } from "../plugin/registry.js";
import { loadConfigCached } from "./cache.js";

const noPlugins: PluginImporter = (specifier) => Promise.reject(new Error(`no plugin ${specifier} in this test`));

/** A config file and a git dir to keep its cache in. */
function setup(text: string): { file: string; gitDir: string; cacheFile: string } {
  const dir = tempDir();
  const file = join(dir, ".shipgate.yml");
  writeFileSync(file, text);
  const gitDir = join(dir, ".git");
  return { file, gitDir, cacheFile: join(gitDir, "shipgate", "config-cache.json") };
}

/** Rewrites the stored entry: `edit` gets the parsed entry and returns what to store. */
type Entry = { key: string; loaded: { config: { policies: Record<string, unknown> } } };
function tamper(cacheFile: string, edit: (entry: Entry) => unknown): void {
  writeFileSync(cacheFile, JSON.stringify(edit(JSON.parse(readFileSync(cacheFile, "utf8")) as Entry)));
}

describe("the config cache in the git dir", () => {
  it("serves what it stored while no file changed", async () => {
    const { file, gitDir, cacheFile } = setup("policies:\n  secrets: error\n");
    const fresh = await loadConfigCached(file, gitDir, noPlugins);
    // What the cache serves is what it holds: an entry edited in place (same key) is what the next load returns.
    tamper(cacheFile, (entry) => ({ ...entry, loaded: { ...entry.loaded, config: { ...entry.loaded.config, policies: { secrets: { severity: "warn" } } } } }));
    const served = await loadConfigCached(file, gitDir, noPlugins);
    expect(fresh.config.policies["secrets"]).toMatchObject({ severity: "error" });
    expect(served.config.policies["secrets"]).toMatchObject({ severity: "warn" });
  });

  it("loads the file again once it is edited", async () => {
    const { file, gitDir } = setup("policies:\n  secrets: error\n");
    await loadConfigCached(file, gitDir, noPlugins);
    writeFileSync(file, "policies:\n  secrets: warn\n  file-size: error\n");
    const edited = await loadConfigCached(file, gitDir, noPlugins);
    expect(edited.config.policies["secrets"]).toMatchObject({ severity: "warn" });
    expect(edited.config.policies["file-size"]).toMatchObject({ severity: "error" });
  });

  it("never reuses what another build of shipgate validated", async () => {
    const { file, gitDir, cacheFile } = setup("policies:\n  secrets: error\n");
    await loadConfigCached(file, gitDir, noPlugins);
    // The same file, the same plugins, but validated by another build: its reading of the file is not ours.
    tamper(cacheFile, (entry) => ({
      key: entry.key.replace(/build:[^|]*$/, "build:1:1:1"),
      loaded: { ...entry.loaded, config: { ...entry.loaded.config, policies: { secrets: { severity: "warn" } } } },
    }));
    const loaded = await loadConfigCached(file, gitDir, noPlugins);
    expect(loaded.config.policies["secrets"]).toMatchObject({ severity: "error" });
  });

  it("ignores a cache file that is not an entry", async () => {
    const { file, gitDir, cacheFile } = setup("policies:\n  secrets: error\n");
    await loadConfigCached(file, gitDir, noPlugins);
    writeFileSync(cacheFile, "{ not json");
    const loaded = await loadConfigCached(file, gitDir, noPlugins);
    expect(loaded.config.policies["secrets"]).toMatchObject({ severity: "error" });
  });
});
