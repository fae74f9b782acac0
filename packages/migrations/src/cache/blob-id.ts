/** Git's blob id of a text: the key under which a migration file's parse and a schema built from files are cached. */
import { createHash } from "node:crypto";

/**
 * The SHA-1 blob id git gives the text's UTF-8 bytes (`git hash-object`): the file's own blob id when the whole file
 * was valid UTF-8 and is used as it is, and a content hash of exactly what was used otherwise (a dbmate section).
 */
export function blobId(text: string): string {
  const bytes = Buffer.from(text, "utf8");
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}
