/** The change model: what a stage checks, read from git in bulk and handed to every policy. */
import type { Repo } from "../git/repo.js";
import type { ObjectReader } from "../git/cat-file.js";

export type Stage = "pre-commit" | "commit-msg" | "pre-push" | "pre-receive" | "ci";
export const STAGES: readonly Stage[] = ["pre-commit", "commit-msg", "pre-push", "pre-receive", "ci"];

export interface Person {
  name: string;
  email: string;
  /** Seconds since the epoch and timezone, as git stores them. */
  date: string;
}

export interface CommitInfo {
  oid: string;
  parents: string[];
  tree: string;
  author: Person;
  committer: Person;
  /** The message, decoded according to the commit's `encoding` header. */
  message: string;
  /** The `encoding` header when present. */
  encoding: string | null;
  /** Whether the commit carries a signature header (verification is the signed-commits policy's job). */
  signed: boolean;
}

/** An annotated tag object a ref update brings: what message policies read besides commit messages. */
export interface TagInfo {
  oid: string;
  /** The updated ref that points at this tag (directly, or through the tag of a tag). */
  ref: string;
  /** The name the tag object carries (its `tag` header). */
  name: string;
  target: string;
  /** What the tag points at: commit, tree, blob, or tag. */
  targetType: string;
  tagger: Person | null;
  /** The message as stored, with the signature of a signed tag (see parseTagObject). */
  message: string;
}

export type RefKind = "branch" | "tag" | "note" | "other";

export interface RefUpdate {
  name: string;
  oldOid: string;
  newOid: string;
  created: boolean;
  deleted: boolean;
  /** True when old is not an ancestor of new (null when unknown, e.g. creation or deletion). */
  forced: boolean | null;
  kind: RefKind;
  /** Commits in `old..new` (the full range, for branch policies), oldest first. */
  commits: string[];
}

export type FileKind = "file" | "symlink" | "submodule";

export interface AddedLine {
  /** 1-based line number in the new version of the file. */
  line: number;
  text: string;
}

export interface FileChange {
  /** Path in the new version, decoded as UTF-8 (invalid bytes replaced). */
  path: string;
  /** The exact bytes git stores for the path. */
  pathBytes: Buffer;
  /** For renames and copies: where it came from. */
  oldPath: string | null;
  /** git's status letter: A, M, D, R, C, T. */
  status: string;
  mode: string;
  oid: string;
  kind: FileKind;
  binary: boolean;
  /**
   * Lines this version adds (for merges: lines new against every parent): all of them, or only those the Change's
   * `lines` selection keeps.
   */
  addedLines: AddedLine[];
  /** Size in bytes of the new blob, when known. */
  size: number | null;
  /** The commit that introduced this version, or null for the index (pre-commit). */
  commit: string | null;
}

export interface PendingMessage {
  text: string;
  /** Where the message came from, for reports (the message file). */
  source: string;
}

export interface Change {
  stage: Stage;
  repo: Repo;
  objects: ObjectReader;
  refs: RefUpdate[];
  /** Commits new to the destination, oldest first; content policies look at these. */
  commits: CommitInfo[];
  /** Annotated tags the ref updates point at (pre-push, pre-receive, ci), each once, outer tags before inner ones. */
  tags: TagInfo[];
  /** File versions added or modified by the checked commits (or the index); deletions included with status D. */
  files: FileChange[];
  /** The message being written (commit-msg stage). */
  message: PendingMessage | null;
  /** The branch being committed to (pre-commit, commit-msg), or null when detached. */
  branch: string | null;
  /** Push options (`git push -o`), pre-receive only. */
  pushOptions: string[];
  /** Which added lines `files` carry at least: what the run's policies read (see LineSelection). */
  lines: LineSelection;
}

/**
 * Which added lines a Change keeps: every line, none, or only lines in which a pattern matches. Most policies read
 * no line and secrets reads only lines with a keyword, so a long push decodes a few lines instead of every one.
 */
export type LineSelection = "all" | "none" | RegExp;

export function refKind(name: string): RefKind {
  if (name.startsWith("refs/heads/")) return "branch";
  if (name.startsWith("refs/tags/")) return "tag";
  if (name.startsWith("refs/notes/")) return "note";
  return "other";
}

export function fileKind(mode: string): FileKind {
  if (mode === "160000") return "submodule";
  if (mode === "120000") return "symlink";
  return "file";
}

/**
 * The newest version of each path among `files` (ordered oldest commit first), dropping paths whose newest change
 * is a deletion: what a range leaves behind, for checks such as formatting that judge the result, not each step.
 */
export function latestVersions(files: readonly FileChange[]): FileChange[] {
  const latest = new Map<string, FileChange>();
  for (const file of files) {
    latest.delete(file.path);
    latest.set(file.path, file);
    if (file.oldPath !== null && file.status === "R") latest.delete(file.oldPath);
  }
  return [...latest.values()].filter((file) => file.status !== "D");
}

/** Text files a formatter or linter judges: each path's latest version, no deletions, binaries, links or submodules. */
export function latestTextFiles(files: readonly FileChange[]): FileChange[] {
  return latestVersions(files).filter((f) => f.kind === "file" && !f.binary);
}
