/** Git's blob id of a text: the key under which a migration file's parse and a schema built from files are cached. */
import { hash } from "node:crypto";

/** Ids already computed in this process: a file's text is looked up, parsed and keyed more than once per run. */
const known = new Map<string, string>();

/**
 * The SHA-1 blob id git gives the text's UTF-8 bytes (`git hash-object`): the file's own blob id when the whole file
 * was valid UTF-8 and is used as it is, and a content hash of exactly what was used otherwise (a dbmate section).
 */
export function blobId(text: string): string {
  let id = known.get(text);
  if (id === undefined) {
    // One native call: the header and the text are hashed as one UTF-8 string (a NUL is a NUL in UTF-8).
    id = hash("sha1", `blob ${Buffer.byteLength(text, "utf8")}\0${text}`);
    known.set(text, id);
  }
  return id;
}
