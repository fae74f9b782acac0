/**
 * What besides a blob's first bytes decides how git diffs it: a `diff` attribute on its path (`-diff`, `binary`, `diff`
 * to force text, a driver) and core.bigFileThreshold, above which git takes a blob for binary without reading it.
 */
import type { Git } from "./runner.js";

/**
 * Which of `paths` (exact bytes, relative to the top of the work tree) have any `diff` attribute, asked of one
 * `git check-attr` in the same repository and environment as the diffs, so it reads the same attribute files.
 */
export async function diffAttributed(git: Git, paths: readonly Buffer[]): Promise<(path: Buffer) => boolean> {
  if (paths.length === 0) return () => false;
  const input = Buffer.concat(paths.flatMap((path) => [path, NUL]));
  const { stdout } = await git.run(["check-attr", "--stdin", "-z", "diff"], { input });
  // `<path> NUL diff NUL <value> NUL` per path, in the order asked.
  const attributed = new Set<string>();
  for (let at = 0, field = 0, pathStart = 0, pathEnd = 0; at < stdout.length; field = (field + 1) % 3) {
    let end = stdout.indexOf(0, at);
    if (end === -1) end = stdout.length;
    if (field === 0) [pathStart, pathEnd] = [at, end];
    else if (field === 2 && stdout.toString("latin1", at, end) !== "unspecified") attributed.add(stdout.toString("latin1", pathStart, pathEnd));
    at = end + 1;
  }
  return (path) => attributed.size > 0 && attributed.has(path.toString("latin1"));
}

/** core.bigFileThreshold in bytes (git's default when unset). */
export async function bigFileThreshold(git: Git): Promise<number> {
  const value = await git.probe(["config", "--int", "--get", "core.bigfilethreshold"]);
  const bytes = value === null ? NaN : Number(value);
  return Number.isFinite(bytes) && bytes >= 0 ? bytes : DEFAULT_BIG_FILE_THRESHOLD;
}

const NUL = Buffer.from([0]);
const DEFAULT_BIG_FILE_THRESHOLD = 512 * 1024 * 1024;
