#!/usr/bin/env node
// `pnpm bench [name...]`: runs every benchmark `bench/<name>.mjs` (all of them, or the ones named) in sequence.
// Shared helpers live in bench/lib/ and are never run directly.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((file) => file.endsWith(".mjs") && file !== basename(fileURLToPath(import.meta.url)))
  .map((file) => file.slice(0, -".mjs".length))
  .sort();
const wanted = process.argv.slice(2).map((arg) => basename(arg, ".mjs"));
const unknown = wanted.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(`unknown benchmark: ${unknown.join(", ")} (available: ${available.join(", ")})`);
  process.exit(2);
}

let failed = 0;
for (const name of wanted.length > 0 ? wanted : available) {
  console.log(`\n=== bench/${name}.mjs ===`);
  const result = spawnSync(process.execPath, [join(here, `${name}.mjs`)], { stdio: "inherit" });
  if (result.status !== 0) {
    failed++;
    console.error(`bench/${name}.mjs failed (exit ${result.status ?? result.signal})`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
