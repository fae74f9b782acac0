import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { ROOT } from "@shipgate/test-utils";
import { HOOKS, hookScript } from "./init.js";

describe("shipgate's own repository", () => {
  it.each(Object.keys(HOOKS))("runs the %s hook that `shipgate init` installs", (hook) => {
    expect(readFileSync(`${ROOT}/hooks/${hook}`, "utf8")).toBe(hookScript("", HOOKS[hook as keyof typeof HOOKS]));
  });
});
