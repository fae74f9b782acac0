/**
 * What schema.json is generated from: core and every package's plugin, with the doc comments of their schema
 * sources (in this monorepo) as descriptions. Used by scripts/generate-schema.mjs and the drift test.
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Plugin } from "@shipgate/core";
import type { DocSource } from "@shipgate/core/json-schema";

const PACKAGES = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export async function schemaPlugins(): Promise<Plugin[]> {
  const [server, migrations, deploy] = await Promise.all([
    import("@shipgate/server/plugin"),
    import("@shipgate/migrations/plugin"),
    import("@shipgate/deploy/plugin"),
  ]);
  return [server.plugin, migrations.plugin, deploy.plugin];
}

export const SCHEMA_DOCS: DocSource[] = [
  { file: join(PACKAGES, "server/src/settings.ts"), root: "ServerSection", prefix: "server" },
  { file: join(PACKAGES, "migrations/src/settings.ts"), root: "MigrationsSection", prefix: "migrations" },
  { file: join(PACKAGES, "migrations/src/immutability.ts"), root: "options", prefix: "policies.migrations-immutable" },
  { file: join(PACKAGES, "deploy/src/settings.ts"), root: "DeploySection", prefix: "deploy" },
];
