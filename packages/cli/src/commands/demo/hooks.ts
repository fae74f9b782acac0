/** Part one of the demo: the real client hooks refuse and fix commits in a throwaway repository, on the built-in defaults. */
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { cliDir, indent, writeIn, type Ran, type Shell } from "./shell.js";
import type { Step } from "./step.js";

/** Seconds a commit or push may take, its hooks included. */
const GIT_LIMIT_MS = 60_000;

export interface DemoRepo {
  dir: string;
  git(args: readonly string[]): Promise<Ran>;
  write(path: string, text: string): void;
}

/** `<root>/app`: a repository whose hooks run this shipgate, with `origin` the given bare repository. */
export async function createDemoRepo(root: string, remote: string, shell: Shell): Promise<DemoRepo> {
  const dir = join(root, "app");
  const hooks = join(root, "hooks");
  mkdirSync(dir);
  const git = (args: readonly string[]) => shell.run("git", args, { cwd: dir, timeoutMs: GIT_LIMIT_MS });
  await git(["init", "-q", "-b", "main"]);
  mkdirSync(hooks);
  const bin = join(cliDir(), "bin.cjs");
  for (const [hook, args] of [
    ["pre-commit", 'run pre-commit "$@"'],
    ["commit-msg", 'run commit-msg "$1"'],
    ["pre-push", 'run pre-push "$@"'],
  ] as const) {
    writeFileSync(join(hooks, hook), `#!/bin/sh\nexec "${process.execPath}" "${bin}" ${args}\n`, { mode: 0o755 });
  }
  await git(["config", "core.hooksPath", hooks]);
  await git(["remote", "add", "origin", remote]);
  writeFileSync(join(dir, ".gitignore"), "node_modules/\n.env\n");
  return { dir, git, write: (path, text) => writeIn(dir, path, text) };
}

export function hookSteps(repo: DemoRepo): Step[] {
  const prettier = linkPrettier(repo.dir);
  const list: Step[] = [
    {
      title: 'git commit -m "added stuff"  (not a Conventional Commit)',
      expect: "refused",
      run: async () => exitOutcome(await repo.git(["commit", "--allow-empty", "-m", "added stuff"])),
    },
    {
      title: 'git commit -m "feat: add the demo"',
      expect: "accepted",
      run: async () => exitOutcome(await repo.git(["commit", "--allow-empty", "-m", "feat: add the demo"])),
    },
    {
      title: "commit a config file holding an AWS access key",
      expect: "refused",
      run: async () => {
        repo.write("config/app.ini", "[aws]\nregion = eu-west-1\naccess_key = AKIAZ7VRSQ4KXG2MPLTW\n"); // shipgate-allow secrets: a fake key the demo shows being refused
        await repo.git(["add", "config/app.ini"]);
        return exitOutcome(await repo.git(["commit", "-m", "feat: add app config"]));
      },
    },
  ];
  if (prettier) {
    list.push({
      title: "commit a badly formatted file while another line of it stays unstaged",
      expect: "accepted",
      run: async () => {
        await repo.git(["rm", "-q", "--cached", "config/app.ini"]);
        rmSync(join(repo.dir, "config"), { recursive: true, force: true });
        repo.write("src/app.js", "export const greet=(name)=>{return 'hello '+name}\n");
        await repo.git(["add", "src/app.js"]);
        repo.write("src/app.js", "export const greet=(name)=>{return 'hello '+name}\n// TODO: not staged, stays in your work tree\n");
        return exitOutcome(await repo.git(["commit", "-m", "feat: greet people"]));
      },
      after: async () =>
        `committed:\n${indent((await repo.git(["show", "HEAD:src/app.js"])).output)}work tree (unstaged line kept):\n${indent(readFileSync(join(repo.dir, "src/app.js"), "utf8"))}`,
    });
  } else {
    list.push({
      title: "drop the config file that was refused",
      expect: "accepted",
      run: async () => {
        rmSync(join(repo.dir, "config"), { recursive: true, force: true });
        return exitOutcome(await repo.git(["rm", "-q", "--cached", "config/app.ini"]));
      },
    });
  }
  list.push({
    title: "push a commit that skipped the client hook (--no-verify) and adds .env",
    expect: "refused",
    run: async () => {
      repo.write(".env", "DATABASE_URL=postgres://app:hunter2@db/app\n");
      await repo.git(["add", "-f", ".env"]);
      await repo.git(["commit", "-q", "--no-verify", "-m", "chore: local settings"]);
      return exitOutcome(await repo.git(["push", "origin", "main"]));
    },
  });
  return list;
}

/** A command's exit status as the demo judges it; a command killed by its time limit says so. */
export function exitOutcome(ran: Ran): { outcome: string; output: string } {
  if (ran.timedOut) return { outcome: "timed out", output: ran.output };
  return { outcome: ran.status === 0 ? "accepted" : "refused", output: ran.output };
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
