/** Finds the repository a command runs in and pins every later git call to it. */
import { isAbsolute, resolve } from "node:path";
import { Git, scrubGitEnv } from "./runner.js";
import { GitError, UsageError } from "../errors.js";
import { emptyTreeOid, zeroOid } from "./oid.js";

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
}

/**
 * Opens the repository that contains `cwd`, honouring the caller's GIT_DIR/GIT_WORK_TREE once, then pins
 * them explicitly so nested calls never depend on inherited variables.
 */
export async function openRepo(cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Repo> {
  const inherited = new Git(resolve(cwd), { ...scrubGitEnv(env, new Set(Object.keys(env).filter((k) => k.startsWith("GIT_")))) });
  let stdout: string;
  try {
    const result = await inherited.run(
      ["rev-parse", "--path-format=absolute", "--git-dir", "--git-common-dir", "--is-bare-repository", "--show-object-format", "--show-toplevel"],
      { okCodes: [0, 128] },
    );
    stdout = result.stdout.toString("utf8");
    if (result.code !== 0 && stdout.split("\n").length < 5) throw new GitError(["rev-parse"], result.code, result.stderr);
  } catch (error) {
    if (error instanceof GitError) {
      throw new UsageError(`${cwd} is not inside a git repository`, { hint: "Run shipgate from inside a git repository (or run `git init` first)." });
    }
    throw error;
  }
  const [gitDir = "", commonDir = "", bareFlag = "", format = "sha1", top = ""] = stdout.split("\n");
  const bare = bareFlag === "true";
  const objectFormat = format === "sha256" ? "sha256" : "sha1";
  const topLevel = bare || top === "" ? null : top;
  const pinned: Record<string, string> = { ...scrubGitEnv(env), GIT_DIR: gitDir };
  // A hook may get a relative GIT_INDEX_FILE; pin it to where the hook was started.
  const indexFile = pinned["GIT_INDEX_FILE"];
  if (indexFile !== undefined && indexFile !== "" && !isAbsolute(indexFile)) pinned["GIT_INDEX_FILE"] = resolve(cwd, indexFile);
  if (topLevel !== null) pinned["GIT_WORK_TREE"] = topLevel;
  return {
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
