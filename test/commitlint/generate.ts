/**
 * A seeded generator of commit messages for the differential test: every config-conventional rule at and around
 * its edges, and the shapes real histories hold (release commits, merges, reverts, fixups, dependabot bodies,
 * trailers, CRLF, editor files with comments, non-ASCII). Same seed, same messages.
 */
import { seededRandom } from "@shipgate/test-utils";

export interface Sample {
  /** What the shape is, for failure reports. */
  shape: string;
  message: string;
  /**
   * `stored`: the message as git stores it (pre-push, pre-receive, ci; commitlint --from/--to).
   * `editor`: the file the commit-msg hook receives (commitlint --edit), with comments and raw whitespace.
   */
  mode: "stored" | "editor";
}

const TYPES = ["feat", "fix", "docs", "chore", "refactor", "perf", "test", "build", "ci", "style", "revert"];
const ODD_TYPES = ["Feat", "FIX", "feature", "release", "wip", "1fix", "fix_up", "", "Chore", "deps", "fEAT"];
const SCOPES = ["core", "api", "client", "deps", "ui", "parser", "docs"];
const ODD_SCOPES = ["", "core,api", "core, api", "core/api", "core\\api", "@scope/pkg", "$store", "a b", "über", "a(b)", "a)b", "*", "x.y-z", "mod:x", "中文"];
const SUBJECTS = [
  "add paging to the list endpoint",
  "handle empty input",
  "drop node 18",
  "bump eslint from 9.1.0 to 9.2.0",
  "use `Eslint` config from the root",
  'rename "Foo" to bar',
  "iPhone layout fixes",
  "über-long names are cut",
  "évite les doublons",
  "обработка пустого ввода",
  "修复空输入",
  "ǆungla support",
  "ĸra letters are odd",
  "ßtraße handling",
  "2fa for admins",
  "🚀 release notes",
  "'quoted' start",
  "`code` first",
  "x",
];
const CASED_SUBJECTS = [
  "Add paging to the list endpoint",
  "Add Paging To The List Endpoint",
  "AddPaging",
  "ADD PAGING",
  "URL parsing",
  "Élan vital",
  "Élan Vital",
  "ÉlanVital",
  "Don't Stop Me",
  "Add 2 Things",
  "Über alles",
  "Ǆungla",
  "ǅungla",
  "Обработка ввода",
  "𐐀 deseret capital",
  "𐐨 deseret small",
  "𝐚 math small",
  "README typo",
  "Add `foo` Support",
  'Revert "feat: x"',
  "A",
];
const ENDINGS = ["", ".", "...", "!", "?", " .", ":", ". "];

const DEPENDABOT_BODY = [
  "Bumps [eslint](https://github.com/eslint/eslint) from 9.1.0 to 9.2.0.",
  "- [Release notes](https://github.com/eslint/eslint/releases)",
  "- [Changelog](https://github.com/eslint/eslint/blob/main/CHANGELOG.md)",
  "- [Commits](https://github.com/eslint/eslint/compare/v9.1.0...v9.2.0)",
  "",
  "---",
  "updated-dependencies:",
  "- dependency-name: eslint",
  "  dependency-version: 9.2.0",
  "  dependency-type: direct:development",
  "  update-type: version-update:semver-minor",
  "...",
  "",
  "Signed-off-by: dependabot[bot] <support@github.com>",
].join("\n");

const RENOVATE_BODY = [
  "This PR contains the following updates:",
  "",
  "| Package | Change | Age | Adoption | Passing | Confidence |",
  "|---|---|---|---|---|---|",
  "| [typescript](https://www.typescriptlang.org/) ([source](https://redirect.github.com/microsoft/TypeScript)) | [`5.8.3` -> `5.9.2`](https://renovatebot.com/diffs/npm/typescript/5.8.3/5.9.2) | | | | |",
  "| some-very-long-package-name-without-any-link-to-anything | 1.0.0 -> 2.0.0 | more text to push this line beyond one hundred characters |",
].join("\n");

const PARAGRAPH = [
  "The hook read the file once and replaced it later; an edit saved in between",
  "was lost. Read it again right before the rename and skip the file if it",
  "changed.",
].join("\n");

const MERGE_HEADERS = [
  "Merge branch 'main' into feat/x",
  "Merge branch 'feature/x'",
  "Merge branch 'master' of https://github.com/a/b",
  "Merge pull request #12 from a/b",
  "Merge pull request #12 from a/b\n\nfeat: add x",
  "Merge remote-tracking branch 'origin/main'",
  "Merge remote-tracking branch 'origin/main' into dev",
  "Merge tag 'v1.2.3'",
  "Merge tag 'v1.2.3' into main",
  "Merge 'a' into b",
  "Merge  into b",
  "Merge commit 'abc123'",
  "Merge abc123 into def456",
  "Merged in feature/x (pull request #4)",
  "Merged PR 123: add thing",
  "Merged master into x",
  "Auto-merged main into feat/x on deployment.",
  "Automatic merge from release/1.2 -> main",
  "Merge branch 'main' into feat/x\n\n# Conflicts:\n#\tsrc/a.ts",
  "Merge branch 'main' into feat/x\n\nConflicts:\n\tsrc/a.ts",
  "merge branch 'main'",
  "Merging main",
  "Merge",
];
const REVERT_HEADERS = [
  'Revert "feat: add x"\n\nThis reverts commit 0123456789abcdef0123456789abcdef01234567.',
  'Reapply "feat: add x"\n\nThis reverts commit 0123456789abcdef0123456789abcdef01234567.',
  'Revert "Reapply "feat: add x""',
  "revert something by hand",
  "revert: feat: add x",
  "revert(core): undo the thing",
  "Revert",
  "Reverts the thing",
  'reapply "feat: add x"',
];
const FIXUP_HEADERS = ["fixup! feat: add x", "squash! fix(core): y", "amend! feat: z\n\nbetter words", "fixup!feat: x", "Fixup! feat: x", "fixup feat: x"];
const VERSION_HEADERS = [
  "v21.2.2",
  "1.2.3",
  "1.2.3\n\nrelease notes in the body",
  "v1.0.0-beta.1",
  "1.0.0-rc.1+build.5",
  "1.0.0+20130313144700",
  "01.2.3",
  "1.2",
  "1.2.3.4",
  "V1.2.3",
  "=1.2.3",
  "1.2.3-01",
  "1.2.3-0a",
  "chore(release): 1.2.3",
  "chore(release): v1.2.3 [skip ci]",
  "chore: 2.0.0 (ci skip)",
  "chore: release 2.0.0",
  "chore(release):1.2.3",
  "release: 1.2.3",
  "  1.2.3  ",
  "1.2.3 [skip ci]",
  "9007199254740991.0.0",
  "9007199254740992.0.0",
  "1.2.3\r\n\r\nnotes",
  "v1.2.3-alpha..1",
];
const FREE_HEADERS = [
  "added some stuff",
  "Update README.md",
  "WIP",
  "wip: half done",
  "Initial commit",
  "fix typo",
  "feat add paging",
  "feat:add paging",
  "feat : add paging",
  "feat:  add paging",
  ": add paging",
  "(core): add paging",
  "feat(): add paging",
  "feat(core) add paging",
  "feat(core)!: drop node 18",
  "feat!: drop node 18",
  "feat(core)!: x): y",
  "feat(a)(b): c",
  "gpg: signature made",
  "déjà vu",
  "feat:",
  "feat: ",
  "feat:\tadd paging",
  "feat: add paging\r",
  " feat: add paging",
  "feat: add paging ",
  "feat: add paging\u00a0",
  "\ufefffeat: add paging",
  "feat: add paging\u2028more",
  "feat: add paging\rmore",
];

const TRAILERS = [
  "Signed-off-by: A Person <a@example.com>",
  "Co-authored-by: B Person <b@example.com>",
  "Reviewed-by: C <c@example.com>",
  "Refs: #12",
  "Closes #12",
  "Fixes #12, #13",
  "fixes #12.",
  "Resolves: #99",
  "See #12 and https://github.com/a/b/issues/13",
  "Closes https://github.com/a/b/issues/13",
  "Part of #12!",
  "Change-Id: I0123456789abcdef0123456789abcdef01234567",
  "prefix #12 fixed by prefixes",
  "#12",
];
const BREAKING = [
  "BREAKING CHANGE: node 20 is required",
  "BREAKING-CHANGE: node 20 is required",
  "BREAKING CHANGE:\nnode 20 is required, and the old flag is gone",
  "BREAKING CHANGE:",
  "BREAKING CHANGE: ",
  "breaking change: the API changed",
  "Breaking Changes: the API changed",
  "BREAKING CHANGES: plural",
  "* BREAKING CHANGE: bulleted",
  "  BREAKING CHANGE: indented",
  "BREAKING CHANGE node 20 without a colon",
  "BREAKING CHANGE: first\nBREAKING-CHANGE: second",
  "BREAKING CHANGE: x\nCloses #1\nmore text after the reference",
];

export function generate(count: number, seed = 20260425): Sample[] {
  const next = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const chance = (p: number) => next() < p;
  const samples: Sample[] = fixedSamples();
  while (samples.length < count) samples.push(randomSample(pick, chance, next));
  return samples.slice(0, Math.max(count, samples.length));
}

/** Every listed shape once, as stored and as an editor file, so each edge is covered whatever the seed. */
function fixedSamples(): Sample[] {
  const headers = [...MERGE_HEADERS, ...REVERT_HEADERS, ...FIXUP_HEADERS, ...VERSION_HEADERS, ...FREE_HEADERS];
  const out: Sample[] = headers.map((message) => ({ shape: "listed header", message, mode: "stored" as const }));
  for (const subject of [...SUBJECTS, ...CASED_SUBJECTS]) out.push({ shape: "subject", message: `feat: ${subject}`, mode: "stored" });
  for (const type of [...TYPES, ...ODD_TYPES]) out.push({ shape: "type", message: `${type}: add paging`, mode: "stored" });
  for (const scope of [...SCOPES, ...ODD_SCOPES]) out.push({ shape: "scope", message: `fix(${scope}): handle empty input`, mode: "stored" });
  for (const end of ENDINGS) out.push({ shape: "full stop", message: `fix: handle empty input${end}`, mode: "stored" });
  for (const n of [71, 72, 73, 99, 100, 101, 150]) out.push({ shape: "header length", message: `feat: ${"x".repeat(n - 6)}`, mode: "stored" });
  for (const n of [99, 100, 101]) {
    out.push({ shape: "body length", message: `feat: x\n\n${"b".repeat(n)}`, mode: "stored" });
    out.push({ shape: "footer length", message: `feat: x\n\nbody\n\nCloses #1 ${"f".repeat(n - 10)}`, mode: "stored" });
    out.push({ shape: "body url", message: `feat: x\n\nsee ${"u".repeat(n)} https://example.com/a`, mode: "stored" });
  }
  for (const trailer of TRAILERS) out.push({ shape: "trailer", message: `fix: handle empty input\n\n${PARAGRAPH}\n\n${trailer}`, mode: "stored" });
  for (const note of BREAKING) out.push({ shape: "breaking", message: `feat!: drop node 18\n\n${note}`, mode: "stored" });
  out.push(
    { shape: "empty", message: "", mode: "stored" },
    { shape: "empty", message: "\n", mode: "stored" },
    { shape: "empty", message: "   \n  ", mode: "stored" },
    { shape: "gpg only", message: "gpg: Signature made today\ngpg: Good signature", mode: "stored" },
    { shape: "gpg header", message: "gpg: Signature made today\n\nfeat: add paging\n\nbody", mode: "stored" },
    { shape: "merge in body", message: "wip\n\nMerge branch 'main' into feat/x", mode: "stored" },
    { shape: "merge in body", message: "feat: add x\n\nMerge pull request #3 from a/b", mode: "stored" },
    { shape: "merge in body", message: "Update stuff\n\n* Merge branch 'main' into feat\n\nMerge tag 'v1'", mode: "stored" },
    { shape: "dependabot", message: `chore(deps-dev): bump eslint from 9.1.0 to 9.2.0\n\n${DEPENDABOT_BODY}`, mode: "stored" },
    { shape: "dependabot", message: `Bump eslint from 9.1.0 to 9.2.0\n\n${DEPENDABOT_BODY}`, mode: "stored" },
    { shape: "renovate", message: `chore(deps): update dependency typescript to v5.9.2\n\n${RENOVATE_BODY}`, mode: "stored" },
    { shape: "comment", message: "feat: add x\n# Please enter the commit message\n\nbody", mode: "editor" },
    { shape: "comment", message: "# template\n\nfeat: add x\n", mode: "editor" },
    { shape: "comment", message: "feat: add x \n\n# comment\n", mode: "editor" },
    {
      shape: "scissors",
      message: "fix: y\n\nbody\n# ------------------------ >8 ------------------------\ndiff --git a/x b/x\n+BREAKING change: no",
      mode: "editor",
    },
  );
  return out;
}

function randomSample(pick: <T>(items: readonly T[]) => T, chance: (p: number) => boolean, next: () => number): Sample {
  const header = randomHeader(pick, chance, next);
  const parts = [header];
  let shape = "random";
  if (chance(0.7)) {
    const separator = chance(0.85) ? "\n\n" : chance(0.5) ? "\n" : "\n\n\n";
    const body = chance(0.03)
      ? pick(["Merge branch 'x' into y", "gpg: noise"])
      : pick([PARAGRAPH, DEPENDABOT_BODY, RENOVATE_BODY, longBody(next), "Refs #12 in the body", "see the #hash tag", nonAsciiBody(pick)]);
    parts.push(separator, body);
    shape += "+body";
  }
  if (chance(0.5)) {
    const separator = chance(0.8) ? "\n\n" : "\n";
    const lines: string[] = [];
    const n = 1 + Math.floor(next() * 3);
    for (let i = 0; i < n; i++) lines.push(chance(0.3) ? pick(BREAKING) : pick(TRAILERS));
    if (chance(0.1)) lines.push(`Co-authored-by: ${"someone ".repeat(14)}<x@example.com>`);
    parts.push(separator, lines.join("\n"));
    shape += "+footer";
  }
  let message = parts.join("");
  if (chance(0.12)) message = message.replace(/\n/g, "\r\n");
  if (chance(0.05)) message = message.replace(/\n/, " \n");
  if (chance(0.3)) message += "\n";
  if (chance(0.15)) {
    const comment = "# Please enter the commit message for your changes. Lines starting\n# with '#' will be ignored.\n#\n# On branch main";
    message = chance(0.8) ? `${message}\n\n${comment}\n` : `${message}\n${comment}\n`;
    if (chance(0.2)) message = message.replace("\n", "\n# interjected comment\n");
    return { shape: `${shape}+comments`, message, mode: "editor" };
  }
  return { shape, message, mode: chance(0.1) ? "editor" : "stored" };
}

function randomHeader(pick: <T>(items: readonly T[]) => T, chance: (p: number) => boolean, next: () => number): string {
  const roll = next();
  if (roll < 0.06) return pick(MERGE_HEADERS);
  if (roll < 0.09) return pick(REVERT_HEADERS);
  if (roll < 0.11) return pick(FIXUP_HEADERS);
  if (roll < 0.15) return pick(VERSION_HEADERS);
  if (roll < 0.22) return pick(FREE_HEADERS);
  const type = chance(0.85) ? pick(TYPES) : pick(ODD_TYPES);
  const scope = chance(0.5) ? "" : `(${chance(0.8) ? pick(SCOPES) : pick(ODD_SCOPES)})`;
  const bang = chance(0.1) ? "!" : "";
  const separator = chance(0.94) ? ": " : pick([":", ":  ", " : ", ":\t"]);
  let subject = chance(0.75) ? pick(SUBJECTS) : pick(CASED_SUBJECTS);
  if (chance(0.15)) subject += pick(ENDINGS);
  if (chance(0.08)) subject += ` ${"y".repeat(60 + Math.floor(next() * 50))}`;
  if (chance(0.03)) subject = "";
  return `${type}${scope}${bang}${separator}${subject}`;
}

function longBody(next: () => number): string {
  const width = 90 + Math.floor(next() * 20);
  return ["a".repeat(width), "short line", `${"c".repeat(width - 30)} https://example.com/${"p".repeat(20)}`, "\tindented\ttabs"].join("\n");
}

function nonAsciiBody(pick: <T>(items: readonly T[]) => T): string {
  return pick(["Ça marche enfin.", "Größe und Länge geprüft: ".repeat(5), "日本語の説明文です。".repeat(12), "emoji 🎉🎉🎉 ".repeat(10)]);
}
