/** The competitor stack and the linters, pinned and installed once with npm into a scratch directory. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Versions that run on Node 20 (lint-staged 17 and commitlint 21 need Node 22; eslint 10 is not
 * what most repos run yet). eslint, @eslint/js, typescript-eslint and prettier are the benchmarked
 * repo's own tools: husky+lint-staged and shipgate both load these exact copies.
 */
export const TOOL_VERSIONS = {
  "@commitlint/cli": "20.5.3",
  "@commitlint/config-conventional": "20.5.3",
  "@eslint/js": "9.39.5",
  eslint: "9.39.5",
  husky: "9.1.7",
  "lint-staged": "16.4.0",
  prettier: "3.10.1",
  typescript: "5.9.3",
  "typescript-eslint": "8.73.0",
};

/** Installs TOOL_VERSIONS into `dir/node_modules` unless that exact set is already there; returns the node_modules path. */
export function ensureTools(dir, log) {
  const manifest = `${JSON.stringify({ name: "shipgate-bench-client-tools", private: true, devDependencies: TOOL_VERSIONS }, null, 2)}\n`;
  const manifestPath = join(dir, "package.json");
  const stampPath = join(dir, "node_modules", ".bench-installed");
  if (existsSync(stampPath) && readFileSync(stampPath, "utf8") === manifest) return join(dir, "node_modules");
  mkdirSync(dir, { recursive: true });
  writeFileSync(manifestPath, manifest);
  log(
    `installing ${Object.entries(TOOL_VERSIONS)
      .map(([name, version]) => `${name}@${version}`)
      .join(" ")} with npm...`,
  );
  const result = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: dir,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (result.status !== 0) throw new Error(`npm install failed in ${dir}:\n${result.stdout}${result.stderr}`);
  writeFileSync(stampPath, manifest);
  return join(dir, "node_modules");
}

/** The installed version of a package, read from its package.json. */
export function installedVersion(nodeModules, name) {
  return JSON.parse(readFileSync(join(nodeModules, name, "package.json"), "utf8")).version;
}
