/**
 * Sizes of loose objects read from their own headers. A blob that `git add` has just written is a loose object, and
 * reading the first bytes of a few of them costs a commit less than starting `git cat-file` (~7 ms of a hook's start
 * on a busy machine). Anything that is not a readable loose object here (packed, in an alternate, corrupt) is left out,
 * for the caller to ask git.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type * as ZlibModule from "node:zlib";

/** More objects than this: one `cat-file --batch-check` costs less than opening each. */
export const LOOSE_LIMIT = 64;
/** Enough deflated bytes for the header `blob <size>\0` whatever the block's tables take. */
const HEAD_BYTES = 1024;

type Zlib = typeof ZlibModule;
let zlib: Zlib | null = null;

/** Sizes by object id, for those of `oids` that are loose objects in `objectsDir`. */
export function looseSizes(objectsDir: string, oids: Iterable<string>): Map<string, number> {
  const sizes = new Map<string, number>();
  const buffer = Buffer.alloc(HEAD_BYTES);
  for (const oid of oids) {
    const size = looseSize(join(objectsDir, oid.slice(0, 2), oid.slice(2)), buffer);
    if (size !== null) sizes.set(oid, size);
  }
  return sizes;
}

function looseSize(path: string, buffer: Buffer): number | null {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return null;
  }
  try {
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    zlib ??= createRequire(import.meta.url)("node:zlib") as Zlib;
    const head = zlib.inflateSync(buffer.subarray(0, read), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    const match = /^[a-z]+ (\d{1,15})\0/.exec(head.subarray(0, 32).toString("latin1"));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}
