/** One `git cat-file --batch` process per run, shared by everything that needs object contents. */
import type { Writable } from "node:stream";
import type { Git, GitChild } from "./runner.js";
import { GitError } from "../errors.js";

export interface GitObject {
  oid: string;
  type: "blob" | "tree" | "commit" | "tag";
  size: number;
  content: Buffer;
}

interface Pending {
  resolve: (object: GitObject | null) => void;
  reject: (error: Error) => void;
}

/** Reads objects by id through a single long-lived `cat-file --batch`; requests are answered in order. */
export class ObjectReader {
  private child: GitChild | null = null;
  private readonly queue: Pending[] = [];
  private failure: Error | null = null;

  constructor(private readonly git: Git) {}

  /** The object, or null when the repository does not have it. */
  read(oid: string): Promise<GitObject | null> {
    if (this.failure) return Promise.reject(this.failure);
    const child = this.start();
    this.setRef(child, true);
    return new Promise((resolve, reject) => {
      this.queue.push({ resolve, reject });
      child.stdin.write(`${oid}\n`);
    });
  }

  /**
   * Many objects at once: a large batch goes to its own `cat-file --batch --buffer` with every id in one write, so
   * neither side pays a flush per object; the result keeps the input order (null for missing objects).
   */
  async readMany(oids: readonly string[]): Promise<(GitObject | null)[]> {
    if (oids.length < BULK) return Promise.all(oids.map((oid) => this.read(oid)));
    const objects: (GitObject | null)[] = [];
    const bulk = new BulkRead(this.git, (object) => objects.push(object));
    bulk.add(oids);
    await bulk.done();
    return objects;
  }

  /**
   * The first `limit` bytes of each object, handed to `each` as they arrive, in the order asked (null for a missing
   * object), through one `cat-file --batch --buffer`: the rest of a larger object is skipped as it streams past, so
   * memory stays near `limit` whatever the objects' sizes. `size` is still the whole object's size.
   */
  async eachPrefix(oids: readonly string[], limit: number, each: (object: GitObject | null, index: number) => void): Promise<void> {
    const bulk = new BulkRead(this.git, each, limit);
    bulk.add(oids);
    await bulk.done();
  }

  close(): void {
    this.child?.stdin.end();
    this.child = null;
  }

  private start(): GitChild {
    if (this.child) return this.child;
    const child = this.git.spawn(["cat-file", "--batch"]);
    const stderr: Buffer[] = [];
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.stdout.on("data", (chunk: Buffer) => this.onData(chunk));
    child.stdin.on("error", () => undefined);
    child.on("close", (code) => {
      if (this.queue.length > 0) this.fail(new GitError(["cat-file", "--batch"], code, Buffer.concat(stderr).toString("utf8")));
      if (this.child === child) this.child = null;
    });
    this.child = child;
    return child;
  }

  /** Keeps the process alive only while answers are awaited, so an unclosed reader never hangs node. */
  private setRef(child: GitChild, on: boolean): void {
    const handles = [child, child.stdout, child.stderr, child.stdin] as unknown as { ref?: () => void; unref?: () => void }[];
    for (const handle of handles) {
      if (on) handle.ref?.();
      else handle.unref?.();
    }
  }

  private fail(error: Error): void {
    this.failure = error;
    for (const pending of this.queue.splice(0)) pending.reject(error);
  }

  private onData(chunk: Buffer): void {
    this.parser.push(chunk);
  }

  private readonly parser = new BatchParser(
    (object) => {
      this.queue.shift()?.resolve(object);
      if (this.queue.length === 0 && this.child) this.setRef(this.child, false);
    },
    (header) => this.fail(new GitError(["cat-file", "--batch"], null, `unexpected header: ${header}`)),
  );
}

/**
 * Objects named in batches while they are still being found (a streaming walk): one `cat-file --batch --buffer`
 * process whose answers go to `each` in the order asked (null for a missing object), as they arrive.
 */
export class BulkRead {
  private static readonly ARGS = ["cat-file", "--batch", "--buffer"];
  private stream: { stdin: Writable; done: Promise<void> } | null = null;
  private answered = 0;
  private readonly parser: BatchParser;

  /** `limit`: at most this many bytes of each object's content are kept (see ObjectReader.eachPrefix). */
  constructor(
    private readonly git: Git,
    each: (object: GitObject | null, index: number) => void,
    limit = Infinity,
  ) {
    // Views, not copies: a bulk reader's objects are parsed or handed on, and the output is not reused.
    this.parser = new BatchParser(
      (object) => each(object, this.answered++),
      () => undefined,
      false,
      limit,
    );
  }

  add(oids: readonly string[]): void {
    if (oids.length === 0) return;
    this.stream ??= this.git.stream(BulkRead.ARGS, null, (chunk) => this.parser.push(chunk));
    this.stream.stdin.write(oids.join("\n") + "\n");
  }

  /** Resolves once every object asked for has been handed to `each`. */
  async done(): Promise<void> {
    if (this.stream === null) return;
    this.stream.stdin.end();
    await this.stream.done;
    if (this.parser.error !== null) throw new GitError(BulkRead.ARGS, null, this.parser.error);
  }
}

/** Below this many ids a bulk read uses the shared process. */
const BULK = 64;

/** Parses `cat-file --batch` output: `<oid> <type> <size>\n<content>\n` or `<name> missing|ambiguous\n`. */
class BatchParser {
  private chunks: Buffer[] = [];
  private length = 0;
  /** Bytes needed before the next object can be complete: large objects are joined once, not once per chunk. */
  private need = 0;
  /** Bytes of a cut object (and its closing newline) still to come, to be dropped as they arrive. */
  private skip = 0;
  error: string | null = null;

  /**
   * `copy`: each object's content is its own buffer; otherwise a view of the output, for readers that keep none.
   * `limit`: content beyond this many bytes is dropped unread.
   */
  constructor(
    private readonly onObject: (object: GitObject | null) => void,
    private readonly onBadHeader: (header: string) => void,
    private readonly copy = true,
    private readonly limit = Infinity,
  ) {}

  push(input: Buffer): void {
    if (this.error !== null) return;
    let chunk = input;
    if (this.skip > 0) {
      if (chunk.length <= this.skip) {
        this.skip -= chunk.length;
        return;
      }
      chunk = chunk.subarray(this.skip);
      this.skip = 0;
    }
    this.chunks.push(chunk);
    this.length += chunk.length;
    if (this.length < this.need) return;
    const buffer = this.chunks.length === 1 ? chunk : Buffer.concat(this.chunks, this.length);
    let at = 0;
    this.need = 0;
    for (;;) {
      const newline = buffer.indexOf(10, at);
      if (newline === -1) break;
      // `<oid> <type> <size>` ends in a digit; `<name> missing` (or ambiguous) does not, and the name may hold spaces.
      const last = buffer[newline - 1] ?? 0;
      if (last < 0x30 || last > 0x39) {
        const header = buffer.toString("latin1", at, newline);
        if (header.endsWith(" missing") || header.endsWith(" ambiguous")) {
          at = newline + 1;
          this.onObject(null);
          continue;
        }
      }
      // Read from the bytes: a push reads thousands of objects.
      const first = buffer.indexOf(0x20, at);
      const second = first === -1 || first > newline ? -1 : buffer.indexOf(0x20, first + 1);
      const size = second === -1 || second > newline ? null : readSize(buffer, second + 1, newline);
      const type = size === null ? null : objectType(buffer, first + 1, second);
      if (size === null || type === null) {
        const header = buffer.toString("latin1", at, newline);
        this.error = `unexpected header: ${header}`;
        this.onBadHeader(header);
        return;
      }
      // A whole object is taken with its closing newline; a cut one as soon as its kept part is there.
      const kept = Math.min(size, this.limit);
      const end = newline + 1 + kept;
      const whole = kept === size;
      if (buffer.length < end + (whole ? 1 : 0)) {
        this.need = end + (whole ? 1 : 0) - at;
        break;
      }
      const oid = buffer.toString("latin1", at, first);
      const view = buffer.subarray(newline + 1, end);
      const content = this.copy ? Buffer.from(view) : view;
      at = whole ? end + 1 : Math.min(buffer.length, end + size - kept + 1);
      if (!whole) this.skip = end + size - kept + 1 - at;
      this.onObject({ oid, type, size, content });
      if (this.skip > 0) break;
    }
    const rest = buffer.subarray(at);
    this.chunks = rest.length === 0 ? [] : [rest];
    this.length = rest.length;
  }
}

/** A header's size field, or null when it is not a number. */
function readSize(buffer: Buffer, start: number, end: number): number | null {
  if (start >= end) return null;
  let size = 0;
  for (let i = start; i < end; i++) {
    const digit = (buffer[i] as number) - 48;
    if (digit < 0 || digit > 9) return null;
    size = size * 10 + digit;
  }
  return Number.isSafeInteger(size) ? size : null;
}

/** A header's type field as one of the shared type names, or null for any other. */
function objectType(buffer: Buffer, start: number, end: number): GitObject["type"] | null {
  for (let i = 0; i < OBJECT_TYPES.length; i++) {
    const { name, bytes } = OBJECT_TYPES[i] as (typeof OBJECT_TYPES)[number];
    if (end - start === bytes.length && buffer.compare(bytes, 0, bytes.length, start, end) === 0) return name;
  }
  return null;
}

const OBJECT_TYPES = (["blob", "tree", "commit", "tag"] as const).map((name) => ({ name, bytes: Buffer.from(name) }));

/**
 * Sizes of objects named while other work goes on: one `cat-file --batch-check --buffer` that is fed ids in batches
 * as they become known (e.g. while diffs are still being parsed) and answers them all at the end.
 */
export class SizeQuery {
  private static readonly ARGS = ["cat-file", "--batch-check=%(objectsize)", "--buffer"];
  private stream: { stdin: Writable; done: Promise<void> } | null = null;
  private readonly out: Buffer[] = [];
  private asked = 0;
  private pending: string[] = [];

  constructor(private readonly git: Git) {}

  /** Asks for one more id (a repeated id is answered twice, which costs less than remembering every id). */
  add(oid: string): void {
    this.asked++;
    this.pending.push(oid);
    if (this.pending.length >= 4096) this.send(false);
  }

  /** Every size asked for, in the order asked (null for a missing object). */
  async inOrder(): Promise<(number | null)[]> {
    if (this.asked === 0) return [];
    this.send(true);
    await this.stream?.done;
    // `<size>` or `<name> missing` per line, read from the bytes: a push asks for tens of thousands.
    const output = Buffer.concat(this.out);
    const sizes: (number | null)[] = [];
    for (let at = 0; at < output.length;) {
      let size: number | null = 0;
      for (; at < output.length && output[at] !== 0x0a; at++) {
        const digit = (output[at] as number) - 48;
        if (digit < 0 || digit > 9) size = null;
        else if (size !== null) size = size * 10 + digit;
      }
      sizes.push(size);
      at++;
    }
    if (sizes.length !== this.asked) throw new GitError(SizeQuery.ARGS, null, `asked for ${this.asked} sizes, got ${sizes.length}`);
    return sizes;
  }

  private send(last: boolean): void {
    this.stream ??= this.git.stream(SizeQuery.ARGS, null, (chunk) => this.out.push(chunk));
    const text = this.pending.length > 0 ? this.pending.join("\n") + "\n" : "";
    this.pending = [];
    if (last) this.stream.stdin.end(text);
    else this.stream.stdin.write(text);
  }
}

export interface ObjectInfo {
  oid: string;
  type: string;
  size: number;
}

/** Id, type and size for each name (ids, or revisions such as `<oid>^{}`) in input order; null when missing. */
export async function objectInfo(git: Git, names: readonly string[]): Promise<(ObjectInfo | null)[]> {
  if (names.length === 0) return [];
  const { stdout } = await git.run(["cat-file", "--batch-check=%(objectname) %(objecttype) %(objectsize)"], { input: names.join("\n") + "\n" });
  const lines = stdout.toString("latin1").split("\n");
  return names.map((_, i) => {
    const [oid = "", type = "", size = ""] = (lines[i] ?? "").split(" ");
    return type === "missing" || type === "ambiguous" || size === "" ? null : { oid, type, size: Number(size) };
  });
}
