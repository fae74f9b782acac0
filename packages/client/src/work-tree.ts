/**
 * Git's own view of the work tree for the fixer: whether a work-tree file holds the staged version (byte for byte,
 * or as git checks it out: line-ending conversion, smudge filters), and what git would check out for a fixed blob.
 * Paths are raw bytes throughout: a name that is not UTF-8 (Latin-1) must reach the file system unchanged.
 */
import { lstatSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { FileChange, Repo } from "@shipgate/core";

/** Why a work-tree copy was left as it is. */
export type KeptReason =
  /** It differs from the staged version as git sees it (`git diff` shows changes). */
  | "unstaged"
  /** git sees no change, but its clean filter drops bytes of it that a checkout would not bring back. */
  | "filtered"
  /** It was saved while the fixer was writing; the newer save is kept. */
  | "changed"
  /** git could not check out the fixed version for it (its smudge filter failed). */
  | "unconvertible";

export interface WorkTreeTarget {
  file: FileChange;
  /** Absolute path, as bytes. */
  path: Buffer;
  /** The bytes the work tree holds now and must still hold when it is replaced. */
  expected: Buffer;
  /** Whether git converts this file on checkout (so the fixed content must be converted the same way). */
  converted: boolean;
}

export interface WorkTreePlan {
  targets: WorkTreeTarget[];
  kept: { file: FileChange; reason: KeptReason }[];
}

export function workTreePath(repo: Repo, file: FileChange): Buffer {
  return Buffer.concat([Buffer.from(`${repo.topLevel ?? ""}/`), file.pathBytes]);
}

/**
 * Which work-tree files hold their staged version and may take the fix. `staged` gives each file's staged bytes;
 * `scratch` is a directory for git's checkout of the files that differ byte for byte. Call it before the index
 * changes: it checks out the staged entries.
 */
export async function planWorkTree(repo: Repo, files: readonly { file: FileChange; staged: Buffer }[], scratch: string): Promise<WorkTreePlan> {
  const plan: WorkTreePlan = { targets: [], kept: [] };
  if (repo.topLevel === null) return plan;
  const differing: { file: FileChange; path: Buffer; bytes: Buffer }[] = [];
  for (const { file, staged } of files) {
    const path = workTreePath(repo, file);
    const bytes = readRegularFile(path);
    if (bytes === null) plan.kept.push({ file, reason: "unstaged" });
    else if (bytes.equals(staged)) plan.targets.push({ file, path, expected: bytes, converted: false });
    else differing.push({ file, path, bytes });
  }
  if (differing.length === 0) return plan;
  const differingFiles = differing.map((d) => d.file);
  const [checkedOut, clean] = await Promise.all([checkoutIndex(repo, differingFiles, join(scratch, "staged")), cleanInGitsView(repo, differingFiles)]);
  differing.forEach(({ file, path, bytes }, i) => {
    if (checkedOut[i]?.equals(bytes)) plan.targets.push({ file, path, expected: bytes, converted: true });
    else plan.kept.push({ file, reason: clean[i] === true ? "filtered" : "unstaged" });
  });
  return plan;
}

/**
 * What `git checkout` would write for each file's entry in the current index (smudge filters, eol conversion, `ident`),
 * written into the new directory `dir` by `git checkout-index --prefix`; null for a file git could not check out.
 */
export async function checkoutIndex(repo: Repo, files: readonly FileChange[], dir: string): Promise<(Buffer | null)[]> {
  const prefix = `${dir}/`;
  const input = Buffer.concat(files.flatMap((f) => [f.pathBytes, Buffer.from([0])]));
  // Exit code 1 names entries it could not write (a failing filter); those simply have no output file.
  await repo.git.run(["checkout-index", "-z", "--stdin", "-f", `--prefix=${prefix}`], { input, okCodes: [0, 1] });
  return files.map((f) => readRegularFile(Buffer.concat([Buffer.from(prefix), f.pathBytes])));
}
/** For each file, whether its work-tree copy hashes through git's clean filters to its staged blob (`git diff` is quiet). */
async function cleanInGitsView(repo: Repo, files: readonly FileChange[]): Promise<boolean[]> {
  const input = Buffer.concat(files.flatMap((f) => [stdinPath(f.pathBytes), Buffer.from("\n")]));
  const result = await repo.git.run(["hash-object", "--stdin-paths"], { input, okCodes: [0, 128] });
  const oids = result.code === 0 ? result.stdout.toString("utf8").split("\n") : [];
  return files.map((f, i) => oids[i] === f.oid);
}

/** A path for git's line-based `--stdin-paths`: C-quoted when it holds a newline or starts with a quote, as git unquotes. */
function stdinPath(path: Buffer): Buffer {
  if (!path.includes(10) && path[0] !== 0x22) return path;
  const bytes: number[] = [0x22];
  for (const byte of path) {
    if (byte === 10) bytes.push(0x5c, 0x6e);
    else if (byte === 0x22 || byte === 0x5c) bytes.push(0x5c, byte);
    else bytes.push(byte);
  }
  bytes.push(0x22);
  return Buffer.from(bytes);
}

/** The bytes of a regular file (not a symlink or directory), or null. */
export function readRegularFile(path: Buffer): Buffer | null {
  try {
    return lstatSync(path).isFile() ? readFileSync(path) : null;
  } catch {
    return null;
  }
}
