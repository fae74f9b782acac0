import { describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "@shipgate/test-utils";
import { renderPresets } from "../../scripts/embed-presets.mjs";
import { loadConfig } from "./load.js";
import { PRESETS } from "../presets.generated.js";

describe("built-in presets", () => {
  it("are embedded from presets/*.yml (run `node packages/core/scripts/embed-presets.mjs` after editing a preset)", () => {
    const current = readFileSync(new URL("../presets.generated.ts", import.meta.url), "utf8");
    expect(current).toBe(renderPresets());
  });

  it.each(Object.keys(PRESETS))("%s loads through extends and turns commit-message on", (name) => {
    const file = join(tempDir(), ".shipgate.yml");
    writeFileSync(file, `extends: ${name}\n`);
    const { config, files } = loadConfig(file);
    expect(files).toContain(`preset:${name}`);
    expect((config.policies as Record<string, { severity: string }>)["commit-message"]?.severity).toBe("error");
  });

  it("strict tightens recommended: scopes required, 1 MB files", () => {
    const file = join(tempDir(), ".shipgate.yml");
    writeFileSync(file, "extends: strict\n");
    const policies = loadConfig(file).config.policies as Record<string, Record<string, unknown>>;
    expect(policies["commit-message"]?.["requireScope"]).toBe(true);
    expect(policies["file-size"]?.["max"]).toBe("1 MB");
    expect(policies["secrets"]?.["severity"]).toBe("error");
  });
});
