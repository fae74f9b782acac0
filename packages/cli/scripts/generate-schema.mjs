#!/usr/bin/env node
// Writes packages/cli/schema.json from the config schemas of core and every plugin; run through
// `pnpm --filter shipgate schema` after `pnpm build` (this imports the compiled modules so that it runs on plain Node).
import { writeFileSync } from "node:fs";
import { renderConfigJsonSchema } from "@shipgate/core/json-schema";
import { SCHEMA_DOCS, schemaPlugins } from "../dist/schema.js";

const target = new URL("../schema.json", import.meta.url);
writeFileSync(target, renderConfigJsonSchema(await schemaPlugins(), SCHEMA_DOCS));
console.log(`wrote ${target.pathname}`);
