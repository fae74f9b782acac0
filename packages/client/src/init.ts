/**
 * `shipgate init`: husky hooks that call `shipgate run <hook>`, a `prepare` script that keeps them installed,
 * and a `.shipgate.yml` from a preset. Works when package.json sits in a subfolder and in linked worktrees.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from "node:fs";
import { join, relative, dirname, sep } from "node:path";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { openRepo, UsageError, CONFIG_FILES, PRESETS, didYouMean } from "@shipgate/core";
import { messages } from "./messages.js";

export interface InitOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The preset the config extends; when given, it is what the user asked for (else `recommended`). */
  preset?: string | undefined;
  /** Install even when core.hooksPath points somewhere else, and replace an existing config with the preset's. */
  force?: boolean;
}

export interface InitResult {
  packageDir: string;
  hooksDir: string;
  configFile: string;
  /** What happened to the config: written new, replaced (--force), or kept as it was. */
  config: "written" | "replaced" | "kept";
  /** The preset a written config extends. */
  preset: string;
  prepare: string;
  /** Whether husky ran and git now uses the hooks. */
  active: boolean;
  notices: string[];
}

export const HOOKS = { "pre-commit": 'run pre-commit "$@"', "commit-msg": 'run commit-msg "$1"', "pre-push": 'run pre-push "$@"' } as const;

export async function initRepo(options: InitOptions): Promise<InitResult> {
  const preset = options.preset ?? "recommended";
  if (!Object.hasOwn(PRESETS, preset))
    throw new UsageError(messages.unknownPreset(preset, didYouMean(preset, Object.keys(PRESETS))), { hint: messages.presetsHint(Object.keys(PRESETS)) });
  const repo = await openRepo(options.cwd, options.env);
  if (repo.topLevel === null)
    throw new UsageError("shipgate init needs a repository with a work tree, not a bare one", { hint: "For servers use: shipgate server install <repo.git>." });
  const top = repo.topLevel;
  const packageDir = findPackageDir(options.cwd, top);
  const pkgRel = relative(top, packageDir).split(sep).join("/");
  const huskyDir = pkgRel === "" ? ".husky" : `${pkgRel}/.husky`;
  await refuseForeignHooksPath(repo.git, huskyDir, options.force === true);

  const notices: string[] = [];
  const hooksDir = join(top, huskyDir);
  mkdirSync(hooksDir, { recursive: true });
  for (const [hook, args] of Object.entries(HOOKS)) {
    const path = join(hooksDir, hook);
    const script = hookScript(pkgRel, args);
    const trap = hook === "commit-msg" ? `${undoTrap(pkgRel)}\n` : "";
    if (existsSync(path) && !readFileSync(path, "utf8").includes("shipgate")) {
      // Keep what the user already runs in this hook; add shipgate after it (and the undo trap before it).
      writeFileSync(path, withTrap(readFileSync(path, "utf8").trimEnd(), trap) + `\n\n${script}`);
    } else writeFileSync(path, `${trap}${script}`);
    chmodSync(path, 0o755);
  }
  // The user's own prepare-commit-msg runs after pre-commit and can refuse the commit too: it gets the trap as well.
  const userHook = join(hooksDir, "prepare-commit-msg");
  if (existsSync(userHook) && !readFileSync(userHook, "utf8").includes("shipgate_undo"))
    writeFileSync(userHook, `${withTrap(readFileSync(userHook, "utf8").trimEnd(), `${undoTrap(pkgRel)}\n`)}\n`);

  const prepare = updatePackageJson(join(packageDir, "package.json"), pkgRel, huskyDir);
  const existing = CONFIG_FILES.map((name) => join(top, name)).find((path) => existsSync(path));
  const configFile = existing ?? join(top, CONFIG_FILES[0] ?? ".shipgate.yml");
  const replace = existing !== undefined && options.preset !== undefined && options.force === true;
  const config = existing === undefined ? "written" : replace ? "replaced" : "kept";
  // The adoption point: the history the repository already has is never judged by content or message policies.
  const head = config === "kept" ? null : await repo.git.probe(["rev-parse", "-q", "--verify", "HEAD^{commit}"]);
  if (config !== "kept") writeFileSync(configFile, configTemplate(preset, relative(top, packageDir), head === "" ? null : head));
  else if (options.preset !== undefined) notices.push(messages.presetNotApplied(relative(options.cwd, configFile) || configFile, options.preset));

  const active = runHusky(packageDir, top, huskyDir, options.env);
  if (!active) notices.push(messages.huskyMissing(installCommand(packageDir, top, options.cwd)));
  return { packageDir, hooksDir, configFile, config, preset, prepare, active, notices };
}

/**
 * The command that installs husky and activates the hooks: a bare install of the project's package manager, since
 * init put husky into devDependencies and only a bare install runs the prepare script (`npm install -D husky` does not).
 */
function installCommand(packageDir: string, top: string, cwd: string): string {
  const has = (name: string) => existsSync(join(packageDir, name)) || existsSync(join(top, name));
  const manager = has("pnpm-lock.yaml") ? "pnpm" : has("yarn.lock") ? "yarn" : has("bun.lock") || has("bun.lockb") ? "bun" : "npm";
  const install = `${manager} install`;
  const where = relative(cwd, packageDir);
  return where === "" ? install : `cd ${shellQuote(where)} && ${install}`;
}

function findPackageDir(start: string, top: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dir === top || dirname(dir) === dir) throw new UsageError(messages.noPackageJson, { hint: messages.noPackageJsonHint });
    dir = dirname(dir);
  }
}

async function refuseForeignHooksPath(git: Awaited<ReturnType<typeof openRepo>>["git"], huskyDir: string, force: boolean): Promise<void> {
  const listed = await git.probe(["config", "--show-scope", "--get", "core.hooksPath"]);
  if (listed === null || force) return;
  const [scope = "", ...rest] = listed.split("\t");
  const value = rest.join("\t");
  if (value === `${huskyDir}/_` || value === "") return;
  throw new UsageError(messages.hooksPathTaken(value, scope), { hint: messages.hooksPathHint });
}

/** The hook husky runs with `sh -e`: find shipgate in this package's node_modules first, then on PATH. */
export function hookScript(pkgRel: string, args: string): string {
  const bin = binPath(pkgRel);
  return [
    "# shipgate: installed by `shipgate init`; SHIPGATE=0 skips, SHIPGATE_SKIP=policy,policy skips some.",
    `if [ -x ${shellQuote(bin)} ]; then exec ${shellQuote(bin)} ${args}; fi`,
    `exec shipgate ${args}`,
    "",
  ].join("\n");
}

function binPath(pkgRel: string): string {
  return pkgRel === "" ? "node_modules/.bin/shipgate" : `${pkgRel}/node_modules/.bin/shipgate`;
}

/**
 * Lines for the top of commit-msg: when any line of the hook fails before shipgate's own line runs (another tool
 * refused the message), `shipgate run undo-fixes` puts back what pre-commit fixed, so a refused commit changes nothing.
 * shipgate's line `exec`s, so the trap never fires after it: shipgate undoes its own refusals itself.
 */
export function undoTrap(pkgRel: string): string {
  const bin = shellQuote(binPath(pkgRel));
  return [
    "# shipgate: if a line below refuses the commit, undo the fixes pre-commit made (a refused commit changes nothing).",
    `shipgate_undo() { s=$?; [ "$s" = 0 ] || if [ -x ${bin} ]; then ${bin} run undo-fixes; else shipgate run undo-fixes; fi || true; exit "$s"; }`,
    "trap shipgate_undo EXIT",
  ].join("\n");
}

/** The user's hook with the trap after its shebang line, if any. */
function withTrap(existing: string, trap: string): string {
  if (trap === "") return existing;
  if (!existing.startsWith("#!")) return `${trap}\n${existing}`;
  const newline = existing.indexOf("\n");
  return newline < 0 ? `${existing}\n${trap}` : `${existing.slice(0, newline + 1)}${trap}\n${existing.slice(newline + 1)}`;
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Adds husky to `prepare` (kept when already there) and husky + shipgate to devDependencies when missing. */
function updatePackageJson(path: string, pkgRel: string, huskyDir: string): string {
  const text = readFileSync(path, "utf8");
  const pkg = JSON.parse(text) as { scripts?: Record<string, string>; devDependencies?: Record<string, string>; dependencies?: Record<string, string> };
  const up =
    pkgRel === ""
      ? ""
      : pkgRel
          .split("/")
          .map(() => "..")
          .join("/");
  const command = pkgRel === "" ? "husky" : `cd ${up} && husky ${huskyDir}`;
  pkg.scripts ??= {};
  const existing = pkg.scripts["prepare"];
  if (existing === undefined || existing.trim() === "") pkg.scripts["prepare"] = command;
  else if (!existing.includes("husky")) pkg.scripts["prepare"] = `${existing} && ${command}`;
  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  pkg.devDependencies ??= {};
  if (deps["husky"] === undefined) pkg.devDependencies["husky"] = "^9.1.7";
  const indent = /^[ \t]+/m.exec(text)?.[0] ?? "  ";
  writeFileSync(path, JSON.stringify(pkg, null, indent) + "\n");
  return pkg.scripts["prepare"] ?? command;
}

function configTemplate(preset: string, pkgRel: string, head: string | null): string {
  const schema = `${pkgRel === "" ? "" : `${pkgRel.split(sep).join("/")}/`}node_modules/shipgate/schema.json`;
  return [
    `# yaml-language-server: $schema=./${schema}`,
    "# shipgate policy: one file checked at commit, push, on the server and in CI. Keys: ./" + schema,
    `extends: ${preset}`,
    "policies: {}",
    ...(head === null
      ? []
      : [
          "# commits up to here predate shipgate: content and message policies never judge them (move: shipgate baseline <rev> --reason ...)",
          `baseline: { commit: ${head}, reason: "adopted shipgate" }`,
        ]),
    "",
  ].join("\n");
}

/** Runs the project's husky the way `prepare` will, so the hooks are live right away. */
function runHusky(packageDir: string, top: string, huskyDir: string, env: NodeJS.ProcessEnv): boolean {
  let bin: string;
  try {
    // husky's exports hide package.json; find it next to the resolved entry point.
    const pkgPath = join(dirname(createRequire(join(packageDir, "noop.js")).resolve("husky")), "package.json");
    const pkg = JSON.parse(readFileSync(pkgPath, "utf8")) as { bin?: string | Record<string, string> };
    const rel = typeof pkg.bin === "string" ? pkg.bin : (pkg.bin?.["husky"] ?? "bin.js");
    bin = join(dirname(pkgPath), rel);
  } catch {
    return false;
  }
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) if (!key.startsWith("GIT_") || key.startsWith("GIT_CONFIG")) clean[key] = value;
  delete clean["HUSKY"];
  const result = spawnSync(process.execPath, [bin, huskyDir], { cwd: top, env: clean, encoding: "utf8" });
  return result.status === 0 && !/can't be found|not a git/i.test(`${result.stdout}${result.stderr}`);
}
