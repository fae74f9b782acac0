import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as v from "valibot";
import { tempDir } from "@shipgate/test-utils";
import { ConfigError } from "../errors.js";
import { definePolicy } from "../policies/policy.js";
import { loadConfig, loadConfigWithPlugins, validateConfig } from "../config/load.js";
import { definePlugin, defineSection, readSection } from "./plugin.js";
import type { PluginImporter } from "./registry.js";

// Core does not depend on any plugin package, so Node finds none of them from here: they are not installed.
const importFromCore: PluginImporter = (specifier) => import(specifier);

function configFile(yaml: string): string {
  const file = join(tempDir(), ".shipgate.yml");
  writeFileSync(file, yaml);
  return file;
}

const section = defineSection("migrations", v.strictObject({ dirs: v.optional(v.array(v.string()), []) }));
const plugin = definePlugin({
  package: "@shipgate/migrations",
  sections: [section],
  policies: [
    definePolicy({
      id: "migrations-immutable",
      summary: "test",
      stages: ["pre-push"],
      options: v.strictObject({ tags: v.optional(v.string()) }),
      check: () => ({ issues: [] }),
    }),
  ],
});

describe("the plugin seam", () => {
  it("names the package to install for a deploy: section when @shipgate/deploy is not installed", async () => {
    const error = await loadConfigWithPlugins(configFile("deploy:\n  environments: {}\n"), importFromCore).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe("deploy: is configured, but @shipgate/deploy, which provides it, is not installed here");
    expect((error as ConfigError).hint).toContain("npm install --save-dev @shipgate/deploy");
  });

  it("names the package for a policy of a package that is not installed, and accepts it turned off", async () => {
    const error = await loadConfigWithPlugins(configFile("policies:\n  migrations-immutable: warn\n"), importFromCore).catch((e: unknown) => e);
    expect((error as ConfigError).message).toContain("policies.migrations-immutable is configured, but @shipgate/migrations");
    const off = await loadConfigWithPlugins(configFile("policies:\n  migrations-immutable: off\n"), importFromCore);
    expect(off.config.policies["migrations-immutable"]).toMatchObject({ severity: "off" });
  });

  it("validates a plugin's policy options and section against the plugin's own schemas, with key paths", () => {
    expect(() => validateConfig({ policies: { "migrations-immutable": { tags: 5 } } }, [plugin])).toThrow(/policies\.migrations-immutable\.tags: /);
    expect(() => validateConfig({ migrations: { dirs: "db" } }, [plugin])).toThrow(/migrations\.dirs: /);
    expect(() => validateConfig({ migrations: { dir: ["db"] } }, [plugin])).toThrow(/migrations\.dir: unknown key/);
    const config = loadConfig(configFile("migrations:\n  dirs: [db]\npolicies:\n  migrations-immutable: { tags: 'r*' }\n"), [plugin]).config;
    expect(readSection(config, section)).toEqual({ dirs: ["db"] });
    expect(config.policies["migrations-immutable"]).toEqual({ severity: "error", tags: "r*" });
  });

  it("gives a section's defaults when the config leaves it out", () => {
    expect(readSection(validateConfig({}, [plugin]), section)).toEqual({ dirs: [] });
  });
});
