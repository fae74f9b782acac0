import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createRepo, tempDir, type TestRepo } from "@shipgate/test-utils";
import { ConfigError } from "../errors.js";
import { openRepo } from "../git/repo.js";
import { buildMessageChange, buildRangeChange } from "../change/build.js";
import { loadConfig, validateConfig } from "../config/load.js";
import { runPolicies, type Report } from "../run.js";
import { checkMessage, lintMessage, type CommitMessageOptions } from "./commit-message.js";

/** The commit-message options a config yields (a preset name, or the policy's own options over the defaults). */
function optionsOf(config: string | Record<string, unknown> = {}): CommitMessageOptions {
  const loaded =
    typeof config === "string" ? loadConfig(writeConfig(`extends: ${config}\n`)).config : validateConfig({ policies: { "commit-message": config } });
  const { severity: _severity, stages: _stages, ...options } = loaded.policies["commit-message"] ?? {};
  return options as CommitMessageOptions;
}

function writeConfig(text: string): string {
  const file = join(tempDir(), ".shipgate.yml");
  writeFileSync(file, text);
  return file;
}

/** Rule names of each finding, with its level. */
const rules = (message: string, options = optionsOf()) => lintMessage(message, options).map((r) => `${r.level} ${r.rules.join("+")}`);

describe("commit-message", () => {
  it("lets through the release, revert, reapply, fixup and merge messages that git, npm and code hosts write", () => {
    for (const message of [
      "v21.2.2",
      "1.2.3\n",
      "1.2.3\n\nThe npm version body is ignored too.\n",
      "chore(release): 1.2.3 [skip ci]",
      'Reapply "feat: add paging"\n\nThis reverts commit 0123456.\n',
      'Revert "feat: add paging"',
      "fixup! feat: add paging",
      "amend! feat: add paging",
      "Merge branch 'main' into feat/x\n\nConflicts:\n\tsrc/a.ts\n",
      "Merged PR 12: add paging",
      "Auto-merged main into release",
      "Merge remote-tracking branch 'origin/main'",
    ])
      expect(rules(message), message).toEqual([]);
    for (const message of ["01.2.3", "1.2", "V1.2.3", "release: 1.2.3"]) expect(rules(message), message).not.toEqual([]);
  });

  it("lets through a release message whatever stands before its version: a chore prefix, a skip-ci tag, whitespace", () => {
    for (const message of [" 1.2.3", "\t1.2.3\n", "\u00a0v1.2.3", "[skip ci] 1.2.3", "(ci skip)v1.2.3", "chore: [ci skip] 2.0.0", "Automatic merge"])
      expect(rules(message), JSON.stringify(message)).toEqual([]);
    for (const message of ["x 1.2.3", "Auto-merged", "Mergesort is faster", "fixup: x"]) expect(rules(message), message).not.toEqual([]);
  });

  it("reads a merge line as a merge only on the first line, so a body line cannot wave a message through", () => {
    expect(rules("wip\n\nMerge branch 'main' into feat/x\n")).toEqual(["error type-empty+subject-empty"]);
  });

  it("accepts a BREAKING CHANGE footer whose text starts on the next line, and the strict preset refuses an empty or lower-case one", () => {
    const message = "feat!: drop node 18\n\nBREAKING CHANGE:\nnode 20 is required, and --legacy is gone\n";
    expect(rules(message)).toEqual([]);
    expect(rules(message, optionsOf("strict"))).toEqual(["error scope-empty"]);
    expect(rules("feat(core)!: x\n\nBREAKING CHANGE:\n", optionsOf("strict"))).toEqual(["error breaking-change-footer"]);
    expect(rules("feat(core)!: x\n\nbreaking change: the API\n", optionsOf("strict"))).toEqual(["error breaking-change-footer"]);
    expect(rules("feat: x\n\nbreaking change: the API\n")).toEqual([]);
  });

  it("refuses a subject in sentence, start, pascal or upper case as config-conventional does, and lets lower case and quoted names through", () => {
    for (const subject of ["Add paging", "Add Paging", "AddPaging", "ADD PAGING", "Élan vital", "Обработка ввода"])
      expect(rules(`feat: ${subject}`), subject).toEqual(["error subject-case"]);
    for (const subject of ["add paging", "iPhone layout", "`Eslint` config from the root", "2FA for admins", "修复空输入", "🚀 Launch"])
      expect(rules(`feat: ${subject}`), subject).toEqual([]);
    expect(rules("feat: ADD PAGING", optionsOf({ subjectCase: ["lower-case"] }))).toEqual([]);
    expect(rules("feat: Add paging", optionsOf({ subjectCase: [] }))).toEqual([]);
  });

  it("warns about a missing blank line before the body or the footer, and refuses lines over 100 characters unless they hold a URL", () => {
    expect(rules("fix: x\nbody right below\n")).toEqual(["warn body-leading-blank"]);
    expect(rules("fix: x\n\nbody\nCloses #12\n")).toEqual(["warn footer-leading-blank"]);
    expect(rules(`fix: x\n\n${"b".repeat(100)}\n`)).toEqual([]);
    expect(rules(`fix: x\n\n${"b".repeat(101)}\n`)).toEqual(["error body-max-line-length"]);
    expect(rules(`fix: x\n\n${"b".repeat(101)} https://example.com/a\n`)).toEqual([]);
    expect(rules(`fix: x\n\nbody\n\nCloses #12 ${"f".repeat(100)}\n`)).toEqual(["error footer-max-line-length"]);
    // A trailer is a body line to the parser until an issue reference or a breaking-change note starts the footer.
    expect(rules(`fix: x\n\nSigned-off-by: ${"s".repeat(100)}\n`)).toEqual(["error body-max-line-length"]);
  });

  it("names each finding's rules and makes warn-level findings warnings, whatever the policy's severity", () => {
    const issues = checkMessage("Fix: Add paging.\nbody\n", optionsOf());
    expect(issues.map((i) => [i.message, i.severity ?? "(policy)"])).toEqual([
      ['type "Fix" is not in lower case [type-case]', "(policy)"],
      ['type "Fix" is not allowed [type-enum]', "(policy)"],
      ['the subject "Add paging." is in sentence case [subject-case]', "(policy)"],
      ["the subject ends with a full stop [subject-full-stop]", "(policy)"],
      ["the body does not start after a blank line [body-leading-blank]", "warn"],
    ]);
    expect(issues[1]?.fix).toBe('Write "fix" in lower case.');
    expect(issues[2]?.fix).toBe('Start it in lower case: "add paging.".');
  });

  it("lets `levels` make any rule an error, a warning or nothing", () => {
    const options = optionsOf({ levels: { "subject-case": "warn", "body-leading-blank": "error", "type-enum": "off" } });
    expect(rules("feature: Add paging\nbody\n", options)).toEqual(["warn subject-case", "error body-leading-blank"]);
    expect(rules("not conventional", optionsOf({ levels: { "type-empty": "off" } }))).toEqual(["error subject-empty"]);
    expect(rules("not conventional", optionsOf({ levels: { "type-empty": "warn", "subject-empty": "off" } }))).toEqual(["warn type-empty"]);
  });

  it("lets messages matching an `ignore` pattern through, and refuses a broken pattern with its key path", () => {
    const options = optionsOf({ ignore: ["^WIP\\b", "Signed-off-by: dependabot\\[bot\\]"] });
    expect(rules("WIP half done", options)).toEqual([]);
    expect(rules(`Bump x\n\n${"long ".repeat(30)}\n\nSigned-off-by: dependabot[bot] <support@github.com>\n`, options)).toEqual([]);
    expect(rules("wip half done", options)).toEqual(["error type-empty+subject-empty"]);
    expect(() => optionsOf({ ignore: ["(unclosed"] })).toThrow(ConfigError);
    expect(() => optionsOf({ ignore: ["(unclosed"] })).toThrow(/policies\.commit-message\.ignore\[0\]/);
  });

  it("judges merges, reverts and versions by the rules when defaultIgnores is off", () => {
    const options = optionsOf({ defaultIgnores: false });
    expect(rules("Merge branch 'main'", options)).toEqual(["error type-empty+subject-empty"]);
    expect(rules("1.2.3", options)).toEqual(["error type-empty+subject-empty"]);
    expect(rules("fixup! feat: x", optionsOf({ allowFixup: false }))).toEqual(["error type-empty+subject-empty"]);
    expect(checkMessage("fixup! feat: x", optionsOf({ allowFixup: false }))[0]?.fix).toMatch(/--autosquash/);
    expect(rules('Revert "feat: x"', optionsOf({ allowRevertMessages: false }))).toEqual(["error type-empty+subject-empty"]);
    expect(rules("1.2.3", optionsOf({ allowRevertMessages: false }))).toEqual([]);
  });

  it("refuses an empty message", () => {
    expect(rules("")).toEqual(["error subject-empty"]);
    expect(rules(" \n\n")).toEqual(["error subject-empty"]);
  });
});

describe("commit-message on commits", () => {
  async function check(repo: TestRepo, base: string, config: Record<string, unknown>, stage: "pre-push" | "ci" = "pre-push"): Promise<Report> {
    const head = repo.git("rev-parse", "HEAD");
    const change = await buildRangeChange(await openRepo(repo.dir, repo.env), [{ name: "refs/heads/main", oldOid: base, newOid: head }], {
      stage,
      known: [base],
    });
    return runPolicies(change, validateConfig({ policies: { "commit-message": config } }), { only: ["commit-message"] });
  }

  it("gives the same findings for a message at commit-msg, pre-push and ci", async () => {
    const repo = createRepo({ files: { "a.txt": "a\n" } });
    const base = repo.git("rev-parse", "HEAD");
    const message = "Feat: Add paging\nbody right below\n\nCloses #12";
    const commit = repo.commit(message, { "b.txt": "b\n" });
    const stored = repo.git("log", "-1", "--format=%B", commit);
    const atCommitMsg = await runPolicies(
      buildMessageChange(await openRepo(repo.dir, repo.env), `${stored}\n`, ".git/COMMIT_EDITMSG", "main"),
      validateConfig({ policies: { "commit-message": {} } }),
      {
        only: ["commit-message"],
      },
    );
    const describe = (report: Report) => report.findings.map((f) => `${f.severity} ${f.message}`);
    const expected = describe(atCommitMsg);
    expect(expected).toEqual([
      'error type "Feat" is not in lower case [type-case]',
      'error type "Feat" is not allowed [type-enum]',
      'error the subject "Add paging" is in sentence case [subject-case]',
      "warn the body does not start after a blank line [body-leading-blank]",
    ]);
    expect(describe(await check(repo, base, {}))).toEqual(expected);
    expect(describe(await check(repo, base, {}, "ci"))).toEqual(expected);
  });

  it("lets a commit with two parents through whatever its message, unless merges are judged", async () => {
    const repo = createRepo({ files: { "a.txt": "a\n" } });
    const base = repo.git("rev-parse", "HEAD");
    repo.git("checkout", "-q", "-b", "side");
    repo.commit("feat: side work", { "b.txt": "b\n" });
    repo.git("checkout", "-q", "main");
    repo.commit("fix: main work", { "c.txt": "c\n" });
    repo.git("merge", "-q", "--no-ff", "--no-edit", "-m", "bring the side work in", "side");
    expect((await check(repo, base, {})).findings).toEqual([]);
    const judged = await check(repo, base, { allowMergeMessages: false });
    expect(judged.findings.map((f) => f.message)).toEqual(['header "bring the side work in" is not a Conventional Commit [type-empty, subject-empty]']);
  });
});
