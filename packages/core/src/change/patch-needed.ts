/**
 * Whether a commit's patch can add anything to the files its raw entries describe. A file version whose blobs git diffs
 * as text, and in none of which the line selection matches, gets no added line to keep and no binary flag from its
 * patch: its raw entry is all the Change holds of it. Anything else (a `diff` attribute, a blob too large to read,
 * a binary side, a match) needs the patch, where git judges exactly as it always does. A type change needs no rule of
 * its own: git shows it as a deletion, which adds nothing, and an addition of the new blob, judged like any other.
 */
import type { FileSources, ParsedCommitDiff } from "../git/diff-parse.js";
import { isZeroOid } from "../git/oid.js";
import type { BlobFacts } from "./blob-scan.js";
import { fileKind, type FileChange } from "./types.js";

export interface PatchContext {
  /** What the scan found for a blob (null: missing or not a blob; undefined: not read). */
  facts: (oid: string) => BlobFacts | null | undefined;
  /** Whether a path has a `diff` attribute (binary, text or a driver), which can change how git diffs it. */
  attributed: (path: Buffer) => boolean;
  /** core.bigFileThreshold: git takes a larger blob for binary without reading it. */
  bigFileThreshold: number;
}

/** Hands `each` every blob whose facts `needsPatch` reads for `diff` (each diff must carry its sources). */
export function blobsToScan(diff: ParsedCommitDiff, each: (oid: string) => void): void {
  const { files, sources = [] } = diff;
  for (let i = 0; i < files.length; i++) {
    const file = files[i] as FileChange;
    const from = sources[i];
    if (file.status === "D" || file.kind === "submodule" || from === undefined) continue;
    each(file.oid);
    for (let j = 0; j < from.oids.length; j++) if (hasBlob(from, j)) each(from.oids[j] as string);
  }
}

/** Whether any file version of `diff` needs its patch read (see the module comment). */
export function needsPatch(diff: ParsedCommitDiff, context: PatchContext): boolean {
  const { files, sources = [] } = diff;
  for (let i = 0; i < files.length; i++) {
    const file = files[i] as FileChange;
    const from = sources[i];
    if (from === undefined) return true;
    // A deletion's patch names no path the parser keeps: no lines, no binary flag.
    if (file.status === "D") continue;
    // A submodule's patch is its commit id, never kept.
    if (file.kind === "submodule") continue;
    if (context.attributed(file.pathBytes) || (from.oldPathBytes !== null && context.attributed(from.oldPathBytes))) return true;
    const facts = context.facts(file.oid);
    if (!facts || !facts.whole || facts.size > context.bigFileThreshold || facts.binaryStart || facts.matches) return true;
    for (let j = 0; j < from.oids.length; j++) {
      if (!hasBlob(from, j)) continue;
      const old = context.facts(from.oids[j] as string);
      if (!old || old.size > context.bigFileThreshold || old.binaryStart) return true;
    }
  }
  return false;
}

/** Whether a parent's side has a blob: not absent there (zero id) and not a submodule. */
function hasBlob(from: FileSources, parent: number): boolean {
  const mode = from.modes[parent] ?? NO_MODE;
  return mode !== NO_MODE && fileKind(mode) !== "submodule" && !isZeroOid(from.oids[parent] ?? "");
}

const NO_MODE = "000000";
