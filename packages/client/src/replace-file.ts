/**
 * Replaces work-tree files so that a save racing with the replace is never lost (an editor's autosave, a
 * format-on-save, `>>` from a script). Each file is compared by content right before its rename, and the file it
 * replaces stays reachable until the batch is verified, so a save that reaches it after the compare is put back.
 *
 * How one file is replaced (link mode, the scratch directory on the file's device):
 *  1. write the new content to `scratch/new-N`;
 *  2. hard-link the file at the path to `scratch/old-N`: this pins whatever file is there now;
 *  3. compare the pinned file's bytes with what the plan saw, and check that the path still names that same file
 *     (an atomic save renames another file over the path); on any difference, leave it;
 *  4. rename `new-N` over the path;
 *  5. compare the pinned file again, and once more for every file when the batch is done (`settle`): a save that
 *     went into the old file after step 3 (in place, or by a writer that opened it before step 4) is there, and
 *     the old file itself is renamed back over the path, so a writer still holding it keeps writing into the file
 *     the path names; what was appended by path to the new file meanwhile (`>>` after the rename) is appended to it
 *     first. A new file that was rewritten or replaced since keeps its place, and the old one goes beside it.
 *
 * What remains, and why it cannot be closed from Node: an atomic save (another file renamed over the path) between
 * the check in step 3 and the rename in step 4 is replaced unseen; the two calls are microseconds apart, and only
 * Linux's renameat2(RENAME_EXCHANGE), which Node does not expose, swaps two files atomically. A write into the old
 * file after `settle` (by a writer that opened it before step 4 and still writes after the whole batch) lands in a
 * file no path names. Putting a file back (step 5) has the same microsecond gap for a save into the new file.
 *
 * Where hard links are not possible (the git dir on another device than the work tree, a file system without
 * links), the old file is held open instead: steps 3 and 5 read it through the descriptor, which stays open until
 * `settle` reads it once more, and a save found then is written back by content. At most MAX_HELD descriptors are
 * held (a user's limit may be 256): past that, the oldest is checked and closed early.
 */
import {
  appendFileSync,
  chmodSync,
  closeSync,
  fstatSync,
  linkSync,
  lstatSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { createDebug } from "@shipgate/core";

const debug = createDebug("shipgate:fix");

/** Old files held open at once in the fallback without hard links. */
const MAX_HELD = 128;

/** A work-tree file this writer replaced. */
export interface Replaced {
  path: Buffer;
  /** The bytes it held before: the user's bytes, which `undo` puts back. */
  before: Buffer;
  written: Buffer;
}

/** An earlier save that could not go back in place, because the path changed again: kept beside it. */
export interface Rescued {
  path: Buffer;
  savedAs: Buffer;
}

interface Entry extends Replaced {
  /** The hard link to the replaced file, until `settle` has checked it. */
  link: string | null;
  /** Without a hard link: a descriptor on the replaced file, until `settle` has checked it. */
  fd: number | null;
  mode: number;
  /** Identity of the file written, to tell whether the path still names it. */
  ino: number;
  dev: number;
}

export class WorkTreeWriter {
  private entries: Entry[] = [];
  private count = 0;
  /** Entries holding a descriptor, oldest first. */
  private held: Entry[] = [];
  /** Paths put back before `settle` (a descriptor checked early), which `settle` reports with its own. */
  private putBackEarly: Buffer[] = [];
  readonly rescued: Rescued[] = [];

  constructor(private readonly scratch: string) {}

  /** The files replaced so far and not put back. */
  get replaced(): readonly Replaced[] {
    return this.entries;
  }

  /**
   * Replaces the file at `path` by `content` if it holds exactly `expected` bytes now; false, writing nothing, if
   * not. `prepared` may name a file in the scratch directory that already holds `content` (it is moved into place).
   */
  replace(path: Buffer, expected: Buffer, content: Buffer, prepared?: string): boolean {
    const stat = lstatOrNull(path);
    if (!stat?.isFile()) return false;
    const n = this.count++;
    const temp = prepared ?? join(this.scratch, `new-${n}`);
    const link = join(this.scratch, `old-${n}`);
    if (prepared === undefined) writeWithMode(temp, content, stat.mode & 0o7777);
    else chmodSync(temp, stat.mode & 0o7777);
    try {
      linkSync(path, link);
    } catch (error) {
      rmSync(temp, { force: true });
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return false;
      debug(`no hard link to ${path.toString()} (${code ?? "?"}): holding it open instead`);
      return this.replaceHoldingDescriptor(path, expected, content, stat.mode & 0o7777);
    }
    // One descriptor on the pinned file serves the compare before the rename and the one right after it.
    const fd = openSync(link, "r");
    try {
      const [pinned, written] = [fstatSync(fd), statSync(temp)];
      // Nothing but the path's lstat between the check and the rename: an atomic save in that gap is replaced unseen.
      if (!readAll(fd).equals(expected) || !sameFile(lstatOrNull(path), pinned)) {
        rmSync(temp, { force: true });
        rmSync(link, { force: true });
        return false;
      }
      renameSync(temp, path);
      const entry: Entry = { path, before: expected, written: content, link, fd: null, mode: 0, ino: written.ino, dev: written.dev };
      if (!readAll(fd).equals(expected)) {
        this.putBack(entry);
        return false;
      }
      this.entries.push(entry);
      return true;
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Checks every replaced file's old version once more, puts back those a save reached, and drops the links;
   * returns the paths put back (no longer among `replaced`).
   */
  settle(): Buffer[] {
    for (const entry of [...this.held]) this.release(entry);
    const early = this.putBackEarly;
    this.putBackEarly = [];
    const putBack: Entry[] = [];
    for (const entry of this.entries) {
      if (entry.link === null) continue;
      if (readFileSync(entry.link).equals(entry.before)) rmSync(entry.link, { force: true });
      else {
        this.putBack(entry);
        putBack.push(entry);
      }
      entry.link = null;
    }
    this.entries = this.entries.filter((entry) => !putBack.includes(entry));
    return [...early, ...putBack.map((entry) => entry.path)];
  }

  /**
   * Reads a held old file once more and closes it: a save that reached it since the rename goes back by content (in
   * place if the path still holds what we wrote, else beside it) and the entry is no longer among `replaced`.
   */
  private release(entry: Entry): void {
    const fd = entry.fd;
    if (fd === null) return;
    entry.fd = null;
    this.held = this.held.filter((other) => other !== entry);
    try {
      const now = readAll(fd);
      if (now.equals(entry.before)) return;
      this.restoreBytes(entry.path, now, entry.written, entry, entry.mode);
      this.entries = this.entries.filter((other) => other !== entry);
      this.putBackEarly.push(entry.path);
    } finally {
      closeSync(fd);
    }
  }

  /** `bytes` back at `path` if it still holds `written` as this writer left it, else beside it. */
  private restoreBytes(path: Buffer, bytes: Buffer, written: Buffer, file: { ino: number; dev: number }, mode: number): void {
    const appended = appendedSince(path, written, file);
    if (appended !== null) {
      const back = freeSibling(path, `.shipgate-${process.pid}-back`);
      writeWithMode(back, Buffer.concat([bytes, appended]), mode);
      renameSync(back, path);
    } else this.rescueBytes(path, bytes, mode);
  }

  /**
   * A save reached the old file: it goes back in place if the path still names the file we wrote, with whatever was
   * appended to that since (an append by path after the rename, `>>`, lands there); else beside it.
   */
  private putBack(entry: Entry): void {
    if (entry.link === null) return;
    const appended = appendedSince(entry.path, entry.written, entry);
    if (appended !== null) {
      if (appended.length > 0) appendFileSync(entry.link, appended);
      renameSync(entry.link, entry.path);
    } else {
      const savedAs = freeSibling(entry.path, ".shipgate-saved");
      renameSync(entry.link, savedAs);
      this.rescued.push({ path: entry.path, savedAs });
    }
    entry.link = null;
  }

  /** The fallback without hard links: the old file is held open, read through the descriptor before and after the rename. */
  private replaceHoldingDescriptor(path: Buffer, expected: Buffer, content: Buffer, mode: number): boolean {
    const temp = freeSibling(path, `.shipgate-${process.pid}-new`);
    writeWithMode(temp, content, mode);
    let fd: number;
    try {
      fd = openSync(path, "r");
    } catch {
      rmSync(temp, { force: true });
      return false;
    }
    let keep = false;
    try {
      const [pinned, written] = [fstatSync(fd), statSync(temp)];
      if (!readAll(fd).equals(expected) || !sameFile(lstatOrNull(path), pinned)) {
        rmSync(temp, { force: true });
        return false;
      }
      renameSync(temp, path);
      const after = readAll(fd);
      if (!after.equals(expected)) {
        this.restoreBytes(path, after, content, written, mode);
        return false;
      }
      // Held open until `settle`: a writer that opened the old file before the rename may still write into it.
      const entry: Entry = { path, before: expected, written: content, link: null, fd, mode, ino: written.ino, dev: written.dev };
      this.entries.push(entry);
      this.held.push(entry);
      keep = true;
      if (this.held.length > MAX_HELD) this.release(this.held[0] as Entry);
      return true;
    } finally {
      if (!keep) closeSync(fd);
    }
  }

  private rescueBytes(path: Buffer, bytes: Buffer, mode: number): void {
    const savedAs = freeSibling(path, ".shipgate-saved");
    writeWithMode(savedAs, bytes, mode);
    this.rescued.push({ path, savedAs });
  }
}

function writeWithMode(path: string | Buffer, content: Buffer, mode: number): void {
  writeFileSync(path, content, { mode });
  chmodSync(path, mode); // the umask may have narrowed it
}

function lstatOrNull(path: Buffer | string) {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

function sameFile(a: { ino: number; dev: number } | null, b: { ino: number; dev: number }): boolean {
  return a !== null && a.ino === b.ino && a.dev === b.dev;
}

/** What was appended to `content` at `path` since we wrote it there, or null when `path` holds no such file now. */
function appendedSince(path: Buffer, content: Buffer, file: { ino: number; dev: number }): Buffer | null {
  if (!sameFile(lstatOrNull(path), file)) return null;
  try {
    const now = readFileSync(path);
    return now.length >= content.length && now.subarray(0, content.length).equals(content) ? now.subarray(content.length) : null;
  } catch {
    return null;
  }
}

/** `<path><suffix>`, or `<path><suffix>-<n>` when that exists. */
function freeSibling(path: Buffer, suffix: string): Buffer {
  for (let n = 0; ; n++) {
    const candidate = Buffer.concat([path, Buffer.from(n === 0 ? suffix : `${suffix}-${n}`)]);
    if (lstatOrNull(candidate) === null) return candidate;
  }
}

/** The whole content of an open file, from its start whatever the descriptor's position. */
function readAll(fd: number): Buffer {
  const chunks: Buffer[] = [];
  let position = 0;
  // The first read asks for one byte more than the file's size, so a file that did not grow takes two reads.
  for (let size = fstatSync(fd).size + 1; ; size = 64 * 1024) {
    const chunk = Buffer.allocUnsafe(size);
    const read = readSync(fd, chunk, 0, size, position);
    if (read === 0) return Buffer.concat(chunks);
    chunks.push(chunk.subarray(0, read));
    position += read;
  }
}

/** Puts back what each replaced file held, wherever it still holds what was written (a later save is kept). */
export function undoReplacements(scratch: string, replaced: readonly Replaced[]): void {
  const writer = new WorkTreeWriter(scratch);
  for (const file of replaced) writer.replace(file.path, file.written, file.before);
  writer.settle();
}
