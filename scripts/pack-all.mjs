// Writes the tarball of every publishable package (packages/* that are not private) into one folder, so a project can
// install shipgate without the registry: npm install -D ./dist-packages/*.tgz. Run it as `pnpm pack:all [folder]`, which
// builds first; `pnpm pack` turns workspace:* dependencies into the packages' versions.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = resolve(process.argv[2] ?? join(root, "dist-packages"));

mkdirSync(out, { recursive: true });
// Only this run's tarballs, so `*.tgz` never picks up an older version.
for (const entry of readdirSync(out)) if (entry.endsWith(".tgz")) rmSync(join(out, entry));

const packages = readdirSync(join(root, "packages"))
  .map((entry) => join(root, "packages", entry))
  .filter((dir) => existsSync(join(dir, "package.json")))
  .filter((dir) => JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).private !== true);

// `pnpm pack:all` has just built everything (the CLI's bundle included), so no package's prepack needs to run again:
// rebuilding the bundle would pull it away from under a shipgate that runs meanwhile (a test, a hook).
for (const dir of packages) {
  execFileSync("pnpm", ["pack", "--config.ignore-scripts=true", "--pack-destination", out], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
}

const written = readdirSync(out).filter((entry) => entry.endsWith(".tgz"));
console.log(`${written.length} packages in ${out}:\n${written.map((name) => `  ${name}`).join("\n")}`);
console.log(`Install them into a project: npm install -D ${join(out, "*.tgz")}`);
