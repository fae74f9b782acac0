/**
 * The ledger changes that go with the machine's transitions, built from a fresh read and applied by the transition
 * in the same transaction as the new state: pointers, bad markers, the frozen marker, and the restore target.
 */
import { ledgerRefs, type Ledger, type LedgerEntry, type RefChange } from "@shipgate/core/ledger";
import { badKey, type DeployRecord } from "./job.js";
import type { Release } from "./types.js";

/** The frozen marker (unless the environment is frozen already): nothing deploys here until someone unfreezes it. */
export async function freezeChanges(ledger: Ledger, record: DeployRecord, reason: string): Promise<RefChange[]> {
  record.reason = reason;
  const ref = ledgerRefs(record.env).frozen;
  if ((await ledger.entry(ref)) !== null) return [];
  const oid = await ledger.write(`shipgate: ${record.env} frozen: ${reason}`, {
    reason,
    deploy: record.id,
    tag: record.release.tag,
    at: new Date().toISOString(),
  });
  return [{ ref, to: oid, from: null }];
}

/** Points `current` or `good` at `release`, its earlier value as first parent (the pointer's history). */
export async function pointerChange(ledger: Ledger, record: DeployRecord, pointer: "current" | "good", release: Release): Promise<RefChange[]> {
  const ref = ledgerRefs(record.env)[pointer];
  const old = await ledger.entry(ref);
  if (old !== null && old.data["sha"] === release.sha && old.data["tag"] === release.tag) return [];
  const data = {
    tag: release.tag,
    sha: release.sha,
    ref: (release as { ref?: string }).ref ?? `refs/tags/${release.tag}`,
    deploy: record.id,
    at: new Date().toISOString(),
  };
  const oid = await ledger.write(`shipgate: ${record.env} ${pointer} = ${release.tag}`, data, [...(old === null ? [] : [old.oid]), release.sha], release.sha);
  return [{ ref, to: oid, from: old?.oid ?? null }];
}

/** good = the release; a deliberate deploy of a release marked bad that passed clears its marker. */
export async function promoteChanges(ledger: Ledger, record: DeployRecord): Promise<RefChange[]> {
  const changes = await pointerChange(ledger, record, "good", record.release);
  const bad = await ledger.entry(ledgerRefs(record.env).bad(badKey(record.release)));
  if (bad !== null) changes.push({ ref: bad.ref, to: null, from: bad.oid });
  return changes;
}

/** The bad marker, and `good` moved back when it named the release that just failed. */
export async function markBadChanges(ledger: Ledger, record: DeployRecord, entries: Map<string, LedgerEntry>, target: Release | null): Promise<RefChange[]> {
  const refs = ledgerRefs(record.env);
  const changes: RefChange[] = [];
  const badRef = refs.bad(badKey(record.release));
  if (!entries.has(badRef)) {
    const data = {
      tag: record.release.tag,
      sha: record.release.sha,
      ref: record.release.ref,
      deploy: record.id,
      reason: record.reason ?? "",
      at: new Date().toISOString(),
    };
    const oid = await ledger.write(`shipgate: ${record.env} bad = ${record.release.tag}`, data, [record.release.sha], record.release.sha);
    changes.push({ ref: badRef, to: oid, from: null });
  }
  const good = entries.get(refs.good);
  if (good !== undefined && good.data["tag"] === record.release.tag && good.data["sha"] === record.release.sha) {
    if (target === null) changes.push({ ref: refs.good, to: null, from: good.oid });
    else changes.push(...(await pointerChange(ledger, record, "good", target)));
  }
  return changes;
}

/** The newest release that passed verification here and is neither this release nor marked bad; never "the previous one". */
export async function restoreTarget(ledger: Ledger, record: DeployRecord, entries: Map<string, LedgerEntry>): Promise<Release | null> {
  const refs = ledgerRefs(record.env);
  const badShas = new Set([...entries.values()].filter((entry) => entry.ref.startsWith(refs.badPrefix)).map((entry) => entry.data["sha"]));
  for (const entry of await ledger.history(refs.good, 200)) {
    const { tag, sha, ref } = entry.data;
    if (typeof tag !== "string" || typeof sha !== "string") continue;
    if (sha === record.release.sha || badShas.has(sha) || entries.has(refs.bad(badKey({ tag, sha, ...(typeof ref === "string" ? { ref } : {}) })))) continue;
    return { tag, sha, ...(typeof ref === "string" ? { ref } : {}) };
  }
  return null;
}
