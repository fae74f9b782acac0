/**
 * The differences from commitlint that shipgate keeps on purpose, each with the condition under which it shows and
 * the exact outcome it predicts on both sides. docs/commit-messages.md lists the same ids with their reasons.
 */
import type { CommitMessageOptions } from "@shipgate/core";
import { agrees, type Outcome } from "./compare.js";

export interface KnownDifference {
  id: string;
  /** Whether this difference explains the outcome: the message meets the condition and both sides gave what it predicts. */
  explains(outcome: Outcome, options: CommitMessageOptions): boolean;
}

const GPG = /^\s*gpg:/;
// commitlint's merge ignores carry the `m` flag: these whole-line patterns count on any line of the message.
const MERGE_LINE = /^(?:Merge pull request|Merge .*? into .*?$|Merge branch .*?$|Merge tag .*?$)/;

export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  {
    // commitlint's lint() passes an empty message (its CLI refuses it as missing input) and throws on whitespace.
    id: "empty-message",
    explains: ({ sample, commitlint, shipgate }) =>
      sample.message.split(/\r?\n/).every((line) => line.trim() === "" || GPG.test(line)) &&
      (commitlint.verdict === "pass" || commitlint.verdict === "throws") &&
      shipgate.verdict === "error" &&
      shipgate.rules.join() === "subject-empty",
  },
  {
    // The parser drops `gpg:` lines; when that leaves the first line blank, commitlint's header-max-length fails on
    // the missing header ("current length is undefined") besides type-empty and subject-empty.
    id: "missing-header-length",
    explains: ({ sample, commitlint, shipgate }) =>
      sample.message.split(/\r?\n/).filter((line) => !GPG.test(line))[0] === "" &&
      commitlint.verdict === shipgate.verdict &&
      commitlint.rules.join() === [...shipgate.rules, "header-max-length"].sort().join(),
  },
  {
    // commitlint ignores a message when any line after the first is a merge line; shipgate reads the first line only.
    id: "merge-line-in-body",
    explains: ({ sample, commitlint, shipgate }, { defaultIgnores }) =>
      defaultIgnores &&
      sample.message
        .split(/[\n\r\u2028\u2029]/)
        .slice(1)
        .some((line) => MERGE_LINE.test(line)) &&
      commitlint.verdict === "pass" &&
      shipgate.verdict !== "pass",
  },
  {
    // commitlint's start-case and pascal-case (es-toolkit, as lodash) fold accents first, so no subject with an accented
    // Latin letter is ever in start or pascal case there; shipgate reads "Élan Vital" as start case. Only shows when
    // those cases are forbidden without sentence-case (config-conventional forbids all three).
    id: "accented-start-case",
    explains: ({ sample, commitlint, shipgate }, { subjectCase }) =>
      !subjectCase.includes("sentence-case") &&
      /[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u017f]/.test(sample.message.split("\n", 1)[0] ?? "") &&
      shipgate.rules.includes("subject-case") &&
      commitlint.rules.join() === shipgate.rules.filter((rule) => rule !== "subject-case").join(),
  },
  {
    // At commit-msg commitlint judges the editor file (trailing spaces, comment lines, leading blank lines); shipgate
    // judges the message git will store, as commitlint itself does later at --from/--to. Those two must agree.
    id: "editor-file",
    explains: ({ sample, shipgate, commitlintStored }) => sample.mode === "editor" && commitlintStored !== undefined && agrees(commitlintStored, shipgate),
  },
];

/** The known differences that explain the outcome (none when both sides agree). */
export function explanations(outcome: Outcome, options: CommitMessageOptions): string[] {
  if (agrees(outcome.commitlint, outcome.shipgate)) return [];
  return KNOWN_DIFFERENCES.filter((difference) => difference.explains(outcome, options)).map((difference) => difference.id);
}
