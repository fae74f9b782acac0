/**
 * A data directory tarball without the WAL segments after the one being written. PostgreSQL keeps 16 MB segments ahead
 * of its insert position (preallocated, or old ones recycled under new names); a copy restored from the tarball needs
 * none of them, since recovery stops at the end of the WAL written and PostgreSQL makes new segments when it needs them.
 * They were a third of a long history's tarball, and every warm run inflated and unpacked them.
 */

const BLOCK = 512;
/** A WAL segment file: timeline, log and segment number, each 8 hex digits (`000000010000000000000002`). */
const SEGMENT = /(?:^|\/)pg_wal\/([0-9A-F]{24})$/;

/**
 * The ustar `tarball` without the regular files `pg_wal/<segment>` whose segment name sorts after `current` (the one
 * holding the insert position, `pg_walfile_name(pg_current_wal_insert_lsn())`). Anything it cannot read as a tarball
 * is returned as it is: this only makes the copy smaller.
 */
export function withoutWalAhead(tarball: Uint8Array, current: string): { tarball: Uint8Array; dropped: string[] } {
  if (!/^[0-9A-F]{24}$/.test(current)) return { tarball, dropped: [] };
  const kept: Uint8Array[] = [];
  const dropped: string[] = [];
  let offset = 0;
  while (offset + BLOCK <= tarball.length && !zeroBlock(tarball, offset)) {
    const size = Number.parseInt(field(tarball, offset + 124, 12).trim() || "0", 8);
    if (!Number.isSafeInteger(size) || size < 0) return { tarball, dropped: [] };
    const length = BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (offset + length > tarball.length) return { tarball, dropped: [] };
    const prefix = field(tarball, offset + 345, 155);
    const name = `${prefix === "" ? "" : `${prefix}/`}${field(tarball, offset, 100)}`;
    const type = field(tarball, offset + 156, 1);
    const segment = SEGMENT.exec(name)?.[1];
    if ((type === "" || type === "0") && segment !== undefined && segment > current) dropped.push(segment);
    else kept.push(tarball.subarray(offset, offset + length));
    offset += length;
  }
  if (dropped.length === 0) return { tarball, dropped };
  kept.push(tarball.subarray(offset)); // the end-of-archive blocks
  return { tarball: Buffer.concat(kept), dropped };
}

/** A NUL-terminated ASCII field of a header. */
function field(bytes: Uint8Array, start: number, length: number): string {
  const end = bytes.subarray(start, start + length).indexOf(0);
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end === -1 ? length : end).toString("latin1");
}

function zeroBlock(bytes: Uint8Array, start: number): boolean {
  for (let i = start; i < start + BLOCK; i++) if (bytes[i] !== 0) return false;
  return true;
}
