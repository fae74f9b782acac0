/** `shipgate demo`: a throwaway repository where the real hooks block and fix commits, on the built-in defaults. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createStyle, colourEnabled } from "@shipgate/core";
import type { Command, Io } from "../io.js";
import { parse } from "../args.js";

interface Step {
  title: string;
  expect: "refused" | "accepted";
  run: (repo: DemoRepo) => { status: number | null; output: string };
  after?: (repo: DemoRepo) => string;
}

interface DemoRepo {
  dir: string;
  git(args: string[], input?: string): { status: number | null; output: string };
  write(path: string, text: string): void;
}

const demo: Command = async (argv, io) => {
  const { values } = parse(argv, { keep: { type: "boolean", description: "keep the throwaway repository to look around" } }, "shipgate demo [--keep]");
  const s = createStyle(colourEnabled(io.stdout, io.env));
  const root = mkdtempSync(join(tmpdir(), "shipgate-demo-"));
  const repo = createDemoRepo(root, io);
  const prettier = linkPrettier(repo.dir);
  io.stdout.write(`${s.bold("shipgate demo")}: a throwaway repository at ${repo.dir} with the recommended preset and shipgate's real hooks.\n`);
  let failures = 0;
  for (const step of steps(prettier)) {
    const result = step.run(repo);
    const outcome = result.status === 0 ? "accepted" : "refused";
    const ok = outcome === step.expect;
    if (!ok) failures++;
    io.stdout.write(`\n${s.bold(`▶ ${step.title}`)}\n${indent(result.output)}`);
    if (step.after) io.stdout.write(indent(step.after(repo)));
    io.stdout.write(`  ${ok ? s.green(`✔ ${outcome}, as it should be`) : s.red(`✖ ${outcome}, expected ${step.expect}`)}\n`);
  }
  io.stdout.write(`\n${failures === 0 ? s.green("Every gate behaved as expected.") : s.red(`${failures} step(s) did not behave as expected.`)}\n`);
  if (values.keep) io.stdout.write(`The repository is kept at ${repo.dir}.\n`);
  else rmSync(root, { recursive: true, force: true });
  return failures === 0 ? 0 : 1;
};

function steps(prettier: boolean): Step[] {
  const list: Step[] = [
    {
      title: 'git commit -m "added stuff"  (not a Conventional Commit)',
      expect: "refused",
      run: (r) => r.git(["commit", "--allow-empty", "-m", "added stuff"]),
    },
    { title: 'git commit -m "feat: add the demo"', expect: "accepted", run: (r) => r.git(["commit", "--allow-empty", "-m", "feat: add the demo"]) },
    {
      title: "commit a config file holding an AWS access key",
      expect: "refused",
      run: (r) => {
        r.write("config/app.ini", "[aws]\nregion = eu-west-1\naccess_key = AKIAZ7VRSQ4KXG2MPLTW\n"); // shipgate-allow secrets: a fake key the demo shows being refused
        r.git(["add", "config/app.ini"]);
        return r.git(["commit", "-m", "feat: add app config"]);
      },
    },
  ];
  if (prettier) {
    list.push({
      title: "commit a badly formatted file while another line of it stays unstaged",
      expect: "accepted",
      run: (r) => {
        r.git(["rm", "-q", "--cached", "config/app.ini"]);
        rmSync(join(r.dir, "config"), { recursive: true, force: true });
        r.write("src/app.js", "export const greet=(name)=>{return 'hello '+name}\n");
        r.git(["add", "src/app.js"]);
        r.write("src/app.js", "export const greet=(name)=>{return 'hello '+name}\n// TODO: not staged, stays in your work tree\n");
        return r.git(["commit", "-m", "feat: greet people"]);
      },
      after: (r) =>
        `committed:\n${indent(r.git(["show", "HEAD:src/app.js"]).output)}work tree (unstaged line kept):\n${indent(readFileSync(join(r.dir, "src/app.js"), "utf8"))}`,
    });
  }
  list.push({
    title: "push a commit that skipped the client hook (--no-verify) and adds .env",
    expect: "refused",
    run: (r) => {
      r.write(".env", "DATABASE_URL=postgres://app:hunter2@db/app\n");
      r.git(["add", "-f", ".env"]);
      r.git(["commit", "-q", "--no-verify", "-m", "chore: local settings"]);
      return r.git(["push", "origin", "main"]);
    },
  });
  return list;
}

function createDemoRepo(root: string, io: Io): DemoRepo {
  const dir = join(root, "app");
  const remote = join(root, "remote.git");
  const hooks = join(root, "hooks");
  mkdirSync(dir);
  const bin = fileURLToPath(new URL("../../bin.cjs", import.meta.url));
  const env: NodeJS.ProcessEnv = {
    ...io.env,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_AUTHOR_NAME: "Demo",
    GIT_AUTHOR_EMAIL: "demo@example.com",
    GIT_COMMITTER_NAME: "Demo",
    GIT_COMMITTER_EMAIL: "demo@example.com",
  };
  for (const key of Object.keys(env)) if (key.startsWith("GIT_") && !/^GIT_(CONFIG_|AUTHOR_|COMMITTER_)/.test(key)) delete env[key];
  delete env["SHIPGATE"];
  delete env["SHIPGATE_SKIP"];
  const git = (args: string[], input?: string) => {
    const result = spawnSync("git", args, { cwd: dir, env, input, encoding: "utf8" });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  };
  git(["init", "-q", "-b", "main"]);
  spawnSync("git", ["init", "-q", "--bare", remote], { env });
  mkdirSync(hooks);
  for (const [hook, args] of [
    ["pre-commit", 'run pre-commit "$@"'],
    ["commit-msg", 'run commit-msg "$1"'],
    ["pre-push", 'run pre-push "$@"'],
  ] as const) {
    writeFileSync(join(hooks, hook), `#!/bin/sh\nexec "${process.execPath}" "${bin}" ${args}\n`, { mode: 0o755 });
  }
  git(["config", "core.hooksPath", hooks]);
  git(["remote", "add", "origin", remote]);
  writeFileSync(join(dir, ".gitignore"), "node_modules/\n.env\n");
  return { dir, git, write: (path, text) => (mkdirSync(dirname(join(dir, path)), { recursive: true }), writeFileSync(join(dir, path), text)) };
}

/** Uses the prettier installed next to shipgate, if any, with a config of prettier's defaults, so the fixing step has a formatter. */
function linkPrettier(dir: string): boolean {
  try {
    const entry = createRequire(import.meta.url).resolve("prettier");
    let pkgDir = dirname(entry);
    while (!pkgDir.endsWith("prettier") && dirname(pkgDir) !== pkgDir) pkgDir = dirname(pkgDir);
    mkdirSync(join(dir, "node_modules"), { recursive: true });
    symlinkSync(pkgDir, join(dir, "node_modules", "prettier"));
    writeFileSync(join(dir, ".prettierrc"), "{}\n");
    return true;
  } catch {
    return false;
  }
}

function indent(text: string): string {
  return text === "" ? "" : text.replace(/\n$/, "").replace(/^/gm, "    ") + "\n";
}

export default demo;
