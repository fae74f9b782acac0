import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { tempDir, writeTree, type FileTree } from "@shipgate/test-utils";
import { describeError, ConfigError, ExitCode } from "../errors.js";
import { POLICIES } from "../policies/index.js";
import { PRESETS } from "../presets.generated.js";
import { loadConfig } from "./load.js";

type Policies = Record<string, Record<string, unknown> | undefined>;

/** Writes the files into a fresh directory and loads `.shipgate.yml` from it. */
function load(files: FileTree): { policies: Policies; files: string[]; dir: string } {
  const dir = tempDir();
  writeTree(dir, files);
  const loaded = loadConfig(join(dir, ".shipgate.yml"));
  return { policies: loaded.config.policies, files: loaded.files, dir };
}

/** The ConfigError that loading these files throws. */
function loadError(files: FileTree): ConfigError & { dir: string } {
  const dir = tempDir();
  writeTree(dir, files);
  try {
    loadConfig(join(dir, ".shipgate.yml"));
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return Object.assign(error as ConfigError, { dir });
  }
  throw new Error("expected the config to be rejected");
}

describe("loadConfig", () => {
  it("names the exact list item of a bad value, and the file it is in", () => {
    const error = loadError({ ".shipgate.yml": 'policies:\n  secrets:\n    allow: ["^ok$", "fine", "(unclosed"]\n' });
    expect(error.issues).toEqual(["policies.secrets.allow[2]: expected a valid JavaScript regular expression"]);
    expect(error.message).toBe(
      `${join(error.dir, ".shipgate.yml")} is not a valid shipgate config: policies.secrets.allow[2]: expected a valid JavaScript regular expression`,
    );
    expect(error.hint).toMatch(/schema\.json/);
    expect(error.exitCode).toBe(ExitCode.Usage);
  });

  it("reports every wrong type, severity and stage with its path, not a stack trace", () => {
    const error = loadError({
      ".shipgate.yml": [
        "policies:",
        "  secrets:",
        "    allow: [a, 3]",
        "    entropy: { threshold: high }",
        "  file-size: { max: 5 parsecs }",
        "  author: loud",
        "  commit-message: { stages: [pre-commit, on-merge] }",
      ].join("\n"),
    });
    expect(error.issues).toEqual([
      "policies.commit-message.stages[1]: expected one of pre-commit, commit-msg, pre-push, pre-receive, ci",
      "policies.secrets.allow[1]: expected text, got the number 3",
      'policies.secrets.entropy.threshold: expected a number, got the text "high"',
      "policies.author.severity: expected one of off, error, warn",
      'policies.file-size.max: expected a size such as 5000000, "500 KB" or "5 MB"',
    ]);
  });

  it("calls unknown keys typos at every level and suggests the key meant: top level, policy ids and policy options", () => {
    const error = loadError({ ".shipgate.yml": "polices: {}\npolicies:\n  secretz: error\n  secrets:\n    alow: []\n" });
    expect([...error.issues].sort()).toEqual([
      "polices: unknown key (did you mean policies?)",
      "policies.secrets.alow: unknown key (did you mean allow?)",
      "policies.secretz: unknown key (did you mean secrets?)",
    ]);
    const far = loadError({ ".shipgate.yml": "policies:\n  secrets:\n    quarantine: true\n" });
    expect(far.issues).toEqual(["policies.secrets.quarantine: unknown key (check the spelling)"]);
  });

  it("says in its own words that a list is expected where a single value is written, and prints each problem once", () => {
    const error = loadError({ ".shipgate.yml": 'policies:\n  forbidden-paths:\n    patterns: "test/**"\n  author: loud\n' });
    expect(error.message).toMatch(
      /is not a valid shipgate config: policies\.forbidden-paths\.patterns: expected a list, got the single value "test\/\*\*": write \["test\/\*\*"\]$/,
    );
    expect(describeError(error).details).toEqual(["policies.author.severity: expected one of off, error, warn"]);
    expect(error.hint).toContain("node_modules/shipgate/schema.json");
  });

  it("refuses broken YAML, duplicate keys and a top level that is not a mapping, naming the file", () => {
    const broken = loadError({ ".shipgate.yml": "policies:\n  secrets: [error\n  file-size: error\n" });
    expect(broken.message).toMatch(new RegExp(`^${escape(join(broken.dir, ".shipgate.yml"))}(:\\d+:\\d+)?: invalid YAML: `));
    const duplicate = loadError({ ".shipgate.yml": "policies:\n  secrets: error\n  secrets: off\n" });
    expect(duplicate.message).toMatch(/invalid YAML: Map keys must be unique/);
    expect(duplicate.hint).toMatch(/plain YAML data/);
    const list = loadError({ ".shipgate.yml": "- secrets\n- author\n" });
    expect(list.message).toMatch(/expected a mapping of settings at the top level$/);
  });

  it("points at the line and column of broken YAML and of a duplicate key", () => {
    const duplicate = loadError({ ".shipgate.yml": "policies:\n  secrets: error\n  secrets: off\n" });
    expect(duplicate.message).toMatch(new RegExp(`^${escape(join(duplicate.dir, ".shipgate.yml"))}:3:3: invalid YAML: `));
    const broken = loadError({ ".shipgate.yml": "policies:\n  secrets: [error\n  file-size: error\n" });
    expect(broken.message).toMatch(new RegExp(`^${escape(join(broken.dir, ".shipgate.yml"))}:\\d+:\\d+: invalid YAML: `));
  });

  it("refuses an unknown preset and lists the ones that exist", () => {
    const error = loadError({ ".shipgate.yml": "extends: recomended\n" });
    expect(error.message).toBe(`unknown preset "recomended" (available: ${Object.keys(PRESETS).join(", ")})`);
    expect(error.hint).toMatch(/built-in presets .*relative path/);
  });

  it("detects a cycle of extends and names every file in it", () => {
    const error = loadError({ ".shipgate.yml": "extends: ./ci/a.yml\n", "ci/a.yml": "extends: ./b.yml\n", "ci/b.yml": "extends: ../.shipgate.yml\n" });
    const chain = [".shipgate.yml", "ci/a.yml", "ci/b.yml", ".shipgate.yml"].map((file) => join(error.dir, file));
    expect(error.message).toBe(`config files extend each other in a cycle: ${chain.join(" -> ")}`);
  });

  it("resolves relative extends from the extending file and merges objects deeply, lists by replacement", () => {
    const { policies, files, dir } = load({
      ".shipgate.yml": "extends: ./config/team.yml\npolicies:\n  file-size: { max: 2 MB }\n  secrets: { exclude: [docs/**] }\n",
      "config/team.yml": "extends: ./base.yml\npolicies:\n  secrets: { allow: ['^TEAM'] }\n",
      "config/base.yml": "policies:\n  file-size: { max: 1 MB, exclude: ['*.lock'] }\n  secrets: { allow: ['^BASE'], testKeys: error }\n",
    });
    expect(files).toEqual([".shipgate.yml", "config/team.yml", "config/base.yml"].map((file) => join(dir, file)));
    expect(policies["file-size"]).toMatchObject({ severity: "error", max: "2 MB", exclude: ["*.lock"] });
    expect(policies["secrets"]).toMatchObject({ allow: ["^TEAM"], testKeys: "error", exclude: ["docs/**"] });
  });

  it("reads `secrets: off` and the other severity shorthands, also over a preset", () => {
    const { policies } = load({ ".shipgate.yml": "extends: recommended\npolicies:\n  secrets: off\n  author: warn\n  branch-name:\n" });
    expect(policies["secrets"]?.["severity"]).toBe("off");
    expect(policies["author"]).toMatchObject({ severity: "warn", committer: true });
    expect(policies["branch-name"]?.["severity"]).toBe("error");
  });

  it("fills every option default so policies never see a missing key", () => {
    const { policies } = load({ ".shipgate.yml": "policies:\n  secrets: error\n" });
    expect(policies["secrets"]).toEqual({
      severity: "error",
      allow: [],
      exclude: [],
      entropy: { enabled: true, threshold: 3.5, minLength: 12 },
      testKeys: "warn",
      messages: true,
    });
  });

  // The presets name eslint and prettier, which live in their own policy files; this passes once those are registered.
  it.each(["recommended", "strict"])("loads and validates the %s preset, and every policy it names exists", (name) => {
    const { policies, files } = load({ ".shipgate.yml": `extends: ${name}\n` });
    expect(files).toContain(`preset:${name}`);
    const known = POLICIES.map((policy) => policy.id);
    for (const id of Object.keys(policies)) expect(known).toContain(id);
    for (const id of ["commit-message", "secrets", "file-size", "forbidden-paths", "eslint", "prettier"]) expect(policies[id]?.["severity"]).toBe("error");
  });

  it("uses the recommended preset when there is no config file", () => {
    const { config, files } = loadConfig(null);
    expect(files).toEqual(["preset:recommended"]);
    expect((config.policies as Policies)["secrets"]?.["severity"]).toBe("error");
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
