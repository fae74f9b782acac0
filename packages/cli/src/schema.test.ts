import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { POLICIES, type Plugin } from "@shipgate/core";
import { REGENERATE_COMMAND, SCHEMA_ID, buildConfigJsonSchema, renderConfigJsonSchema } from "@shipgate/core/json-schema";
import { SCHEMA_DOCS, schemaPlugins } from "./schema.js";

const CHECKED_IN = new URL("../schema.json", import.meta.url);
const plugins: Plugin[] = await schemaPlugins();
const everyPolicy = [...POLICIES, ...plugins.flatMap((plugin) => plugin.policies ?? [])];

interface Described {
  description?: string;
  anyOf?: Described[];
  properties?: Record<string, Described>;
  additionalProperties?: boolean;
}

describe("schema.json", () => {
  it("matches the config schema it is generated from", () => {
    const expected = renderConfigJsonSchema(plugins, SCHEMA_DOCS);
    const actual = readFileSync(CHECKED_IN, "utf8");
    expect(actual, `packages/cli/schema.json is out of date with the config schema; regenerate it with \`${REGENERATE_COMMAND}\` and commit it`).toBe(expected);
  });

  it("names itself, describes every policy and accepts the severity shorthand the loader accepts", () => {
    const schema = buildConfigJsonSchema(plugins, SCHEMA_DOCS) as unknown as Described & { $id: string; title: string };
    expect(schema.$id).toBe(SCHEMA_ID);
    expect(schema.title).toMatch(/shipgate/);
    expect(schema.additionalProperties).toBe(false);
    const policies = schema.properties?.["policies"]?.properties ?? {};
    expect(Object.keys(policies)).toEqual(everyPolicy.map((policy) => policy.id));
    for (const policy of everyPolicy) {
      const entry = policies[policy.id];
      expect(entry?.description).toContain(policy.summary);
      expect(entry?.anyOf?.[0]).toEqual({ type: "string", enum: ["off", "error", "warn"] });
      const object = entry?.anyOf?.find((option) => option.properties !== undefined);
      expect(object?.additionalProperties).toBe(false);
      expect(object?.properties?.["severity"]?.description).toMatch(/warn reports without blocking/);
    }
  });

  it("carries the doc comments of the schema sources as descriptions, nested keys included", () => {
    const schema = buildConfigJsonSchema(plugins, SCHEMA_DOCS) as Described;
    const secrets = schema.properties?.["policies"]?.properties?.["secrets"]?.anyOf?.[2];
    expect(secrets?.properties?.["exclude"]?.description).toBe("Globs of paths that are never scanned.");
    expect(secrets?.properties?.["entropy"]?.properties?.["threshold"]?.description).toMatch(/^Shannon entropy in bits per character/);
    expect(schema.properties?.["extends"]?.description).toMatch(/^Presets/);
    expect(schema.properties?.["server"]?.properties?.["bypassUsers"]?.description).toMatch(/bypass/);
  });

  it("holds every plugin's section, generated from the package that owns it", () => {
    const schema = buildConfigJsonSchema(plugins, SCHEMA_DOCS) as Described;
    expect(schema.properties?.["migrations"]?.properties?.["dirs"]?.description).toMatch(/^Migration directories/);
    expect(schema.properties?.["migrations"]?.properties?.["layout"]).toBeDefined();
    expect(schema.properties?.["deploy"]?.properties?.["environments"]).toBeDefined();
    expect(schema.properties?.["policies"]?.properties?.["migrations-immutable"]?.description).toMatch(/from @shipgate\/migrations/);
  });
});
