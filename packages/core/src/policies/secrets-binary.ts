/**
 * Binary content (git shows no lines for a file with a NUL byte in its first 8,000 bytes) scanned for the well-known
 * token formats and private-key headers: the first BINARY_SCAN_BYTES of each blob, read in bulk, matched on the bytes.
 */
import type { ObjectReader } from "../git/cat-file.js";
import type { FileChange } from "../change/types.js";
import type { Issue } from "./policy.js";
import { hitSeverity, redact, scanKnownFormats, type Hit, type ScanOptions } from "./secrets-scan.js";

/** How much of each binary blob is read: keys and tokens sit in headers and resources, rarely megabytes deep. */
export const BINARY_SCAN_BYTES = 4 * 1024 * 1024;

/**
 * Issues for the well-known formats in `files` (binary, not deleted): each blob is read once, through one
 * `cat-file --batch` for all of them, and only its first BINARY_SCAN_BYTES are kept. Read as latin1, one character
 * per byte, so offsets are byte offsets and the ASCII patterns match exactly what the bytes hold.
 */
export async function scanBinaryFiles(
  objects: ObjectReader,
  files: readonly FileChange[],
  o: ScanOptions & { testKeys: "error" | "warn" | "off" },
  keep: (hit: Hit) => boolean,
): Promise<Issue[]> {
  // One blob may be several file versions (a copy, the same asset in two commits): read it once, report each path once.
  const byOid = new Map<string, FileChange[]>();
  for (const file of files) {
    const same = byOid.get(file.oid);
    if (same === undefined) byOid.set(file.oid, [file]);
    else if (!same.some((other) => other.path === file.path)) same.push(file);
  }
  const oids = [...byOid.keys()];
  const issues: Issue[] = [];
  await objects.eachPrefix(oids, BINARY_SCAN_BYTES, (object, index) => {
    if (object === null || object.type !== "blob") return;
    const hits = scanKnownFormats(object.content.toString("latin1"), o).filter(keep);
    for (const file of byOid.get(oids[index] as string) ?? []) for (const hit of hits) issues.push(toIssue(file, hit, o.testKeys));
  });
  return issues;
}

function toIssue(file: FileChange, hit: Hit, testKeys: "error" | "warn" | "off"): Issue {
  const shown = hit.kind === "private key" ? "" : ` (${redact(hit.value)})`;
  const severity = hitSeverity(hit, testKeys);
  return {
    path: file.path,
    ...(file.commit !== null ? { commit: file.commit } : {}),
    ...(severity !== undefined ? { severity } : {}),
    message: `${hit.kind} found in binary content at byte ${hit.column - 1}${shown}`,
    fix: fixFor(file),
  };
}

function fixFor(file: FileChange): string {
  const fixture = "if the file must hold it (a revoked key in a test fixture), list its path in policies.secrets.exclude";
  if (file.commit === null) return `Remove it from the staged file, rotate it if it was ever shared; ${fixture}.`;
  return `Rotate the credential now (it is in commit history) and remove the file from the commits (git rebase -i, or git filter-repo for older history); ${fixture}.`;
}
