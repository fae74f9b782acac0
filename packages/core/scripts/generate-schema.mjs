#!/usr/bin/env node
// Writes packages/core/schema.json from the config schema; run through `pnpm --filter @shipgate/core schema`,
// which builds first (this imports the compiled module so that it runs on plain Node).
import { writeFileSync } from "node:fs";
import { renderConfigJsonSchema } from "../dist/config/json-schema.js";

const target = new URL("../schema.json", import.meta.url);
writeFileSync(target, renderConfigJsonSchema());
console.log(`wrote ${target.pathname}`);
