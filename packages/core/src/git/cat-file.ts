/** One `git cat-file --batch` process per run, shared by everything that needs object contents. */
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
  private buffer: Buffer = Buffer.alloc(0);
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

  /** Reads many objects with one write; the result keeps the input order. */
  readMany(oids: readonly string[]): Promise<(GitObject | null)[]> {
    return Promise.all(oids.map((oid) => this.read(oid)));
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
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const newline = this.buffer.indexOf(10);
      if (newline === -1) return;
      const header = this.buffer.subarray(0, newline).toString("latin1");
      const parts = header.split(" ");
      if (parts[1] === "missing" || parts[1] === "ambiguous") {
        this.buffer = this.buffer.subarray(newline + 1);
        this.queue.shift()?.resolve(null);
        if (this.queue.length === 0 && this.child) this.setRef(this.child, false);
        continue;
      }
      const size = Number(parts[2]);
      if (parts.length !== 3 || !Number.isSafeInteger(size)) {
        this.fail(new GitError(["cat-file", "--batch"], null, `unexpected header: ${header}`));
        return;
      }
      const end = newline + 1 + size;
      if (this.buffer.length < end + 1) return;
      const content = Buffer.from(this.buffer.subarray(newline + 1, end));
      this.buffer = this.buffer.subarray(end + 1);
      this.queue.shift()?.resolve({ oid: parts[0] ?? "", type: parts[1] as GitObject["type"], size, content });
      if (this.queue.length === 0 && this.child) this.setRef(this.child, false);
    }
  }
}

/** Sizes and types for many objects with one `cat-file --batch-check` call. */
export async function objectSizes(git: Git, oids: readonly string[]): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  if (oids.length === 0) return sizes;
  const { stdout } = await git.run(["cat-file", "--batch-check=%(objectname) %(objectsize)"], { input: oids.join("\n") + "\n" });
  for (const line of stdout.toString("latin1").split("\n")) {
    const [oid, size] = line.split(" ");
    if (oid !== undefined && size !== undefined && size !== "missing") sizes.set(oid, Number(size));
  }
  return sizes;
}
