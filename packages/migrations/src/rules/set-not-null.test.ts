import { describe, expect, it } from "vitest";
import { lintFiles } from "../lint-text.js";
import { BASE_SCHEMA, rulesFor } from "./fixture.js";

describe("set-not-null", () => {
  it("fires on SET NOT NULL of an existing nullable column", async () => {
    expect(await rulesFor("ALTER TABLE users ALTER COLUMN name SET NOT NULL;")).toEqual(["set-not-null"]);
  });
  it("still fires when the NOT NULL check is added and validated in the same release", async () => {
    const sql =
      "ALTER TABLE users ADD CONSTRAINT n CHECK (name IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT n;\nALTER TABLE users ALTER name SET NOT NULL;";
    expect(await rulesFor(sql)).toEqual(["set-not-null"]);
  });
  it("does not fire when a validated NOT NULL check comes from an earlier release", async () => {
    const earlier = "ALTER TABLE users ADD CONSTRAINT n CHECK (name IS NOT NULL) NOT VALID; ALTER TABLE users VALIDATE CONSTRAINT n;";
    const findings = await lintFiles([{ path: "003.sql", text: "ALTER TABLE users ALTER name SET NOT NULL;" }], {
      before: [BASE_SCHEMA, earlier],
      rules: { "missing-lock-timeout": "off" },
    });
    expect(findings).toEqual([]);
  });
});
