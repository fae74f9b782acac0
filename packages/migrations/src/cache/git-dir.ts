/**
 * The git dir shared by all worktrees of the repository around a directory, found by reading `.git` files instead of
 * running git: `migrations lint` of files runs no git at all, and a git process costs more than the cached lint.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** The common git dir of the repository that contains `cwd` (or that GIT_DIR names), or null outside a repository. */
export function findCommonGitDir(cwd: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const gitDir = env["GIT_DIR"] ? resolve(cwd, env["GIT_DIR"]) : findGitDir(resolve(cwd));
  if (gitDir === null || !existsSync(join(gitDir, "HEAD"))) return null;
  if (env["GIT_COMMON_DIR"]) return resolve(cwd, env["GIT_COMMON_DIR"]);
  const common = readText(join(gitDir, "commondir"));
  return common === null ? gitDir : resolve(gitDir, common.trim());
}

function findGitDir(start: string): string | null {
  for (let dir = start; ; dir = dirname(dir)) {
    const dotGit = join(dir, ".git");
    const kind = kindOf(dotGit);
    if (kind === "dir") return dotGit;
    if (kind === "file") {
      const line = readText(dotGit)?.match(/^gitdir: (.+)$/m)?.[1];
      if (line) return resolve(dir, line.trim());
    }
    if (dirname(dir) === dir) return null;
  }
}

function kindOf(path: string): "dir" | "file" | null {
  try {
    const stat = statSync(path);
    return stat.isDirectory() ? "dir" : stat.isFile() ? "file" : null;
  } catch {
    return null;
  }
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}
