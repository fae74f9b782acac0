import { describe, expect, it } from "vitest";
import * as v from "valibot";
import { ConfigSchema, type Config } from "../config/schema.js";
import { ConfigError } from "../errors.js";
import { loadExternalPolicies, type ExternalPolicyModule } from "./external.js";
import { definePolicy } from "./policy.js";

const fake: ExternalPolicyModule = {
  policy: definePolicy({
    id: "migrations-immutable",
    summary: "test stand-in",
    stages: ["pre-push"],
    options: v.strictObject({ dirs: v.optional(v.array(v.string()), []) }),
    check: () => ({ issues: [] }),
  }),
  configure: (config: Config) => ({ ...config, policies: { ...config.policies, "migrations-immutable": { severity: "warn", dirs: ["db"] } } }) as Config,
};

const parse = (policies: Record<string, unknown>) => v.parse(ConfigSchema, { policies });

describe("external policies", () => {
  it("accepts their ids in a config, with severity and stages only", () => {
    expect(parse({ "migrations-immutable": { severity: "warn", stages: ["pre-receive"] } }).policies["migrations-immutable"]).toEqual({
      severity: "warn",
      stages: ["pre-receive"],
    });
    expect(() => parse({ "migrations-immutable": { dirs: ["db"] } })).toThrow();
  });

  it("loads only what the config turns on and lets the package complete its entry", async () => {
    let loads = 0;
    const loaders = { "migrations-immutable": async () => (loads++, fake) };
    expect(await loadExternalPolicies(parse({}), loaders)).toMatchObject({ extra: [] });
    expect(await loadExternalPolicies(parse({ "migrations-immutable": { severity: "off" } }), loaders)).toMatchObject({ extra: [] });
    expect(loads).toBe(0);
    const loaded = await loadExternalPolicies(parse({ "migrations-immutable": {} }), loaders);
    expect(loads).toBe(1);
    expect(loaded.extra.map((p) => p.id)).toEqual(["migrations-immutable"]);
    expect(loaded.config.policies["migrations-immutable"]).toEqual({ severity: "warn", dirs: ["db"] });
  });

  it("names the package to install when the policy cannot be loaded", async () => {
    const config = parse({ "migrations-immutable": {} });
    const missing = async () => {
      throw new Error("Cannot find package '@shipgate/migrations'");
    };
    const error = await loadExternalPolicies(config, { "migrations-immutable": missing }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain("policies.migrations-immutable: cannot load it from @shipgate/migrations");
    expect((error as ConfigError).hint).toContain("npm install --save-dev @shipgate/migrations");
    await expect(loadExternalPolicies(config, {})).rejects.toThrow(/this command does not run it/);
  });
});
