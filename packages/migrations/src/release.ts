/** Which releases a gate compares: `--from auto` is the last good deploy from the ledger, else the previous release tag. */
import type { Repo } from "@shipgate/core";
import { requireAncestor } from "./range-order.js";
import type { MigrationsSettings } from "./settings.js";

export interface ResolvedRange {
  from: string;
  to: string;
  /** How `from` was chosen, for the report header. */
  fromSource: string;
}

/** A revision that names no commit; the CLI turns it into a usage error (errors do not cross package copies safely). */
export interface UnknownRevision {
  unknown: string;
}

/** The range a gate checks; throws a UsageError when `from` is not in the history of `to` (see range-order.ts). */
export async function resolveRange(
  repo: Repo,
  fromSpec: string,
  toSpec: string,
  settings: Pick<MigrationsSettings, "environment" | "tags">,
): Promise<ResolvedRange | UnknownRevision> {
  const range = await chooseRange(repo, fromSpec, toSpec, settings);
  if ("unknown" in range) return range;
  await requireAncestor(repo, range, { from: fromSpec, to: toSpec, ...(range.ledger === undefined ? {} : { ledger: range.ledger }) });
  return { from: range.from, to: range.to, fromSource: range.fromSource };
}

async function chooseRange(
  repo: Repo,
  fromSpec: string,
  toSpec: string,
  settings: Pick<MigrationsSettings, "environment" | "tags">,
): Promise<(ResolvedRange & { ledger?: string }) | UnknownRevision> {
  const to = await commitOf(repo, toSpec);
  if (to === null) return { unknown: toSpec };
  if (fromSpec !== "auto") {
    const from = await commitOf(repo, fromSpec);
    return from === null ? { unknown: fromSpec } : { from, to, fromSource: fromSpec };
  }
  const ledger = `refs/shipgate/${settings.environment}/good`;
  const good = await repo.git.probe(["rev-parse", "-q", "--verify", "--end-of-options", `${ledger}^{commit}`]);
  if (good !== null && good !== "" && good !== to) return { from: good, to, fromSource: `${ledger} (last good deploy)`, ledger };
  const tag = await repo.git.probe(["describe", "--tags", "--abbrev=0", `--match=${settings.tags}`, "--end-of-options", `${to}^`]);
  const tagged = tag === null || tag === "" ? null : await commitOf(repo, `refs/tags/${tag}`);
  if (tagged !== null) return { from: tagged, to, fromSource: `${tag} (previous release tag)` };
  return { from: repo.zeroOid, to, fromSource: "nothing (first release)" };
}

async function commitOf(repo: Repo, rev: string): Promise<string | null> {
  const oid = await repo.git.probe(["rev-parse", "-q", "--verify", "--end-of-options", `${rev}^{commit}`]);
  return oid === null || oid === "" ? null : oid;
}
