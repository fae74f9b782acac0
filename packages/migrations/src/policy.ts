/**
 * migrations: the deploy gate's heart; static rules over the release's new migrations, then the dynamic check. Its
 * settings are the `migrations:` section; the check itself (parser, databases) loads only when the policy runs.
 */
import * as v from "valibot";
import { definePolicy, readSection } from "@shipgate/core";
import { migrationsSection } from "./settings.js";

export const migrationsPolicy = definePolicy({
  id: "migrations",
  summary: "refuse migrations that break the running release, lock traffic or cannot be rolled back (static and on a real database)",
  stages: ["ci"],
  options: v.strictObject({}),
  lines: "none",
  // Its settings live in the migrations section, which a pushed config cannot set on a server.
  patterns: () => [],
  async check({ change, config }) {
    const ref = change.refs[0];
    if (!ref || ref.deleted) return { issues: [] };
    const [{ checkRelease }, { describeDynamic }] = await Promise.all([import("./release-check.js"), import("./dynamic/summary.js")]);
    const { issues, dynamic } = await checkRelease(change, ref.oldOid, ref.newOid, readSection(config, migrationsSection));
    return { issues, notice: describeDynamic(dynamic), details: { dynamic } };
  },
});
