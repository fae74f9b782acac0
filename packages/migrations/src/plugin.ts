/** How @shipgate/migrations plugs into shipgate: the `migrations:` section and the two release policies. */
import { definePlugin } from "@shipgate/core";
import { immutabilityPolicy } from "./immutability.js";
import { migrationsPolicy } from "./policy.js";
import { migrationsSection } from "./settings.js";

export const plugin = definePlugin({
  package: "@shipgate/migrations",
  sections: [migrationsSection],
  policies: [migrationsPolicy, immutabilityPolicy],
});
