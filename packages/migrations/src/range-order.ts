/**
 * A gate compares a candidate with the release it replaces. When that release is not in the candidate's history, the
 * migrations each side has are not "before" and "after", and comparing them would pass what it never checked (a reversed
 * range has no new migration at all): such a range is a usage error that says what to run instead.
 */
import { isZeroOid, UsageError, type Repo } from "@shipgate/core";
import { messages } from "./messages.js";

export interface RangeEnds {
  from: string;
  to: string;
}

export interface RangeNames {
  /** `--from` as given (`auto`, a tag, ...). */
  from: string;
  to: string;
  /** For `--from auto`: the ledger ref it chose, when that is where `from` came from. */
  ledger?: string;
}

/** Throws a UsageError unless `from` is an ancestor of `to` (or the range is a first release). */
export async function requireAncestor(repo: Repo, range: RangeEnds, names: RangeNames): Promise<void> {
  if (isZeroOid(range.from) || range.from === range.to) return;
  if (await isAncestor(repo, range.from, range.to)) return;
  const from = names.ledger === undefined ? `--from ${names.from}` : messages.autoChose(names.ledger, range.from.slice(0, 12));
  if (await isAncestor(repo, range.to, range.from)) {
    throw new UsageError(messages.reversedRange(from, names.to, names.ledger ?? `--from ${names.from}`), {
      hint: names.ledger === undefined ? messages.reversedRangeHint(names.from, names.to) : messages.autoBehindHint,
    });
  }
  const base = await repo.git.probe(["merge-base", "--end-of-options", range.from, range.to]);
  throw new UsageError(messages.divergedRange(from, names.to, base === null || base === "" ? null : base.slice(0, 12)), {
    hint: messages.divergedRangeHint(names.ledger ?? names.from),
  });
}

async function isAncestor(repo: Repo, ancestor: string, of: string): Promise<boolean> {
  const result = await repo.git.run(["merge-base", "--is-ancestor", "--end-of-options", ancestor, of], {
    okCodes: [0, 1],
    hint: "shipgate checks that --from is in the history of --to (fetch the full history in CI: fetch-depth: 0).",
  });
  return result.code === 0;
}
