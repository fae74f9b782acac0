/** Policies from other packages that the CLI can load (its package depends on them). */
import type { ExternalLoaders } from "@shipgate/core";

export const EXTERNAL_LOADERS: ExternalLoaders = {
  "migrations-immutable": () => import("@shipgate/migrations/immutability"),
};
