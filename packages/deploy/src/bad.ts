/** Releases marked bad: a release that failed verification is never deployed again automatically. */
import { ledgerRefs, type LedgerEntry } from "@shipgate/core/ledger";
import { badKey } from "./job.js";

/** The bad marker of a release: its own (tag, or commit for a branch), or any marker naming the same commit. */
export function badMarker(entries: Map<string, LedgerEntry>, env: string, release: { tag: string; sha: string; ref?: string }): LedgerEntry | null {
  const refs = ledgerRefs(env);
  const own = entries.get(refs.bad(badKey(release)));
  if (own !== undefined) return own;
  for (const entry of entries.values()) if (entry.ref.startsWith(refs.badPrefix) && entry.data["sha"] === release.sha) return entry;
  return null;
}

/** The reason a ledger entry (bad marker, frozen marker) gives, or "" when it has none. */
export function reasonOf(entry: LedgerEntry): string {
  const reason = entry.data["reason"];
  return typeof reason === "string" ? reason : "";
}
