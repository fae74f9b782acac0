/** Finds the repository a command runs in and pins every later git call to it. */
import { isAbsolute, resolve } from "node:path";
import { Git, scrubGitEnv } from "./runner.js";
import { GitError, UsageError } from "../errors.js";
import { emptyTreeOid, isOid, zeroOid } from "./oid.js";

export interface Repo {
  git: Git;
  /** Absolute path of this worktree's git dir (`.git`, or `.git/worktrees/<name>`). */
  gitDir: string;
  /** Absolute path of the git dir shared by all worktrees. */
  commonDir: string;
  /** Absolute path of the work tree, or null for a bare repository. */
  topLevel: string | null;
  bare: boolean;
  objectFormat: "sha1" | "sha256";
  zeroOid: string;
  emptyTree: string;
  /** HEAD's commit and branch (null when detached), read with the repository when asked for and HEAD is a commit. */
  head?: { commit: string; branch: string | null };
}

export interface OpenOptions {
  /** Also read HEAD (commit and branch) in the same git call: a hook that needs them saves two processes. */
  head?: boolean;
}

/**
 * A runner for the repository that `cwd` and the caller's GIT_* variables name, as `openRepo` finds it: for a read
 * that must not wait for `openRepo` (a hook's settings), and sees what git itself would (`git -c` included).
 */
export function inheritedGit(cwd: string, env: NodeJS.ProcessEnv = process.env): Git {
  return new Git(resolve(cwd), { ...scrubGitEnv(env, new Set(Object.keys(env).filter((k) => k.startsWith("GIT_")))) });
}

/**
 * Opens the repository that contains `cwd`, honouring the caller's GIT_DIR/GIT_WORK_TREE once, then pins
 * them explicitly so nested calls never depend on inherited variables.
 */
export async function openRepo(cwd: string, env: NodeJS.ProcessEnv = process.env, options: OpenOptions = {}): Promise<Repo> {
  const inherited = inheritedGit(cwd, env);
  let stdout: string;
  try {
    const args = ["rev-parse", "--path-format=absolute", "--git-dir", "--git-common-dir", "--is-bare-repository", "--show-object-format", "--show-toplevel"];
    // Before the first commit HEAD names nothing: git stops there (exit 128) and the caller asks on its own.
    if (options.head === true) args.push("HEAD^{commit}", "--symbolic-full-name", "HEAD");
    const result = await inherited.run(args, { okCodes: [0, 128] });
    stdout = result.stdout.toString("utf8");
    if (result.code !== 0 && stdout.split("\n").length < 5) throw new GitError(["rev-parse"], result.code, result.stderr);
  } catch (error) {
    if (error instanceof GitError) {
      throw new UsageError(`${cwd} is not inside a git repository`, { hint: "Run shipgate from inside a git repository (or run `git init` first)." });
    }
    throw error;
  }
  const [gitDir = "", commonDir = "", bareFlag = "", format = "sha1", top = "", headCommit = "", headRef = ""] = stdout.split("\n");
  const bare = bareFlag === "true";
  const objectFormat = format === "sha256" ? "sha256" : "sha1";
  const topLevel = bare || top === "" ? null : top;
  const pinned: Record<string, string> = { ...scrubGitEnv(env), GIT_DIR: gitDir };
  // A hook may get a relative GIT_INDEX_FILE; pin it to where the hook was started.
  const indexFile = pinned["GIT_INDEX_FILE"];
  if (indexFile !== undefined && indexFile !== "" && !isAbsolute(indexFile)) pinned["GIT_INDEX_FILE"] = resolve(cwd, indexFile);
  if (topLevel !== null) pinned["GIT_WORK_TREE"] = topLevel;
  // Lines shift when a bare repository prints no top level: HEAD is then left to the caller.
  const head =
    options.head === true && !bare && isOid(headCommit) && headRef !== ""
      ? { commit: headCommit, branch: headRef.startsWith("refs/") ? headRef : null }
      : undefined;
  return {
    ...(head ? { head } : {}),
    git: new Git(topLevel ?? gitDir, pinned),
    gitDir,
    commonDir,
    topLevel,
    bare,
    objectFormat,
    zeroOid: zeroOid(objectFormat),
    emptyTree: emptyTreeOid(objectFormat),
  };
}
