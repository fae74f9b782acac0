/**
 * Messages no rule judges, as commitlint's default ignores (`@commitlint/is-ignored`) have them: what git, npm
 * and code hosts write on their own. One deliberate difference: merge headers count on the first line only
 * (docs/commit-messages.md).
 */

export type IgnoreKind = "merge" | "revert" | "fixup" | "version";

interface DefaultIgnore {
  kind: IgnoreKind;
  /** Tested against the whole message; `.` never crosses a line break, so most only ever read the first line. */
  matches: (message: string) => boolean;
}

const test = (pattern: RegExp) => (message: string) => pattern.test(message);
/** commitlint tests these with the `m` flag, so any line of the message would do; here only the first line counts. */
const firstLine = (pattern: RegExp) => (message: string) => pattern.test(message.split(/[\n\r\u2028\u2029]/, 1)[0] ?? "");

export const DEFAULT_IGNORES: readonly DefaultIgnore[] = [
  // git merge, GitHub: `Merge pull request #1 from a/b`, `Merge branch 'x' into y`, `Merge 'a' into b`
  { kind: "merge", matches: firstLine(/^(?:Merge pull request|Merge .*? into .*?$|Merge branch .*?$)/) },
  { kind: "merge", matches: firstLine(/^Merge tag .*?$/) },
  // git revert and git's revert of a revert
  { kind: "revert", matches: test(/^[Rr]evert .*/) },
  { kind: "revert", matches: test(/^[Rr]eapply .*/) },
  // git commit --fixup / --squash / --fixup=amend:
  { kind: "fixup", matches: test(/^(?:amend|fixup|squash)!/) },
  // npm version, lerna, release tools: `1.2.3`, `v1.2.3`, `chore(release): 1.2.3 [skip ci]`
  { kind: "version", matches: isVersionMessage },
  // Bitbucket and Azure DevOps: `Merged in feature (pull request #1)`, `Merged PR 12: title`
  { kind: "merge", matches: test(/^(?:Merged .*?(?:in|into) .*|Merged PR .*: .*)/) },
  { kind: "merge", matches: test(/^Merge remote-tracking branch/) },
  { kind: "merge", matches: test(/^Automatic merge/) },
  { kind: "merge", matches: test(/^Auto-merged .*? into .*/) },
];

/** The kinds of default ignore the message matches (none for most messages). */
export function defaultIgnoreKinds(message: string): IgnoreKind[] {
  // Most messages start like none of them: one test says so, where running each would take ten and split lines.
  if (!MAY_BE_IGNORED.test(message) && !MAY_BE_VERSION.test(message)) return [];
  return DEFAULT_IGNORES.filter((ignore) => ignore.matches(message)).map((ignore) => ignore.kind);
}

/** How every ignore above but the version one starts. */
const MAY_BE_IGNORED = /^(?:Merge|[Rr]evert |[Rr]eapply |amend!|fixup!|squash!|Automatic merge|Auto-merged )/;
/**
 * How a version message can start: with the version (v or a digit), or with what isVersionMessage removes before it
 * (`chore:`, a `[skip ci]` or `(ci skip)` tag, whitespace; `\s` is the set trim() removes).
 */
const MAY_BE_VERSION = /^[\s[(cv0-9]/;

const SEMVER =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-(?:\d*[a-zA-Z-][a-zA-Z0-9-]*|0|[1-9]\d*)(?:\.(?:\d*[a-zA-Z-][a-zA-Z0-9-]*|0|[1-9]\d*))*)?(?:\+[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*)?$/;

/**
 * A release commit: the first line is a semantic version (node-semver's strict grammar, at most 256 characters,
 * each number a safe integer), optionally after `chore:`/`chore(scope):` and with one `[skip ci]`/`(ci skip)` tag.
 */
export function isVersionMessage(message: string): boolean {
  const version = (message.split("\n", 1)[0] ?? "")
    .replace(/^chore(\([^)]+\))?:/, "")
    .replace(/\[(skip|ci)(-|\s)(ci|skip)\]/i, "")
    .replace(/\((skip|ci)(-|\s)(ci|skip)\)/i, "")
    .trim();
  if (version.length > 256) return false;
  const match = SEMVER.exec(version);
  return match !== null && match.slice(1, 4).every((n) => Number(n) <= Number.MAX_SAFE_INTEGER);
}
