import { describe, expect, it } from "vitest";
import { abortsAsEmpty, mightBeEmpty, type CleanupSettings } from "./empty-message.js";

const SETTINGS: CleanupSettings = { cleanup: undefined, commentChar: "#" };
const TEMPLATE = "\n# Please enter the commit message for your changes.\n#\n# On branch main\n";
const SCISSORS = "\n# ------------------------ >8 ------------------------\ndiff --git a/a.js b/a.js\n";

describe("git's empty-message abort", () => {
  it("is certain only for `git commit` whose cleanup leaves nothing but blanks and sign-offs", () => {
    const aborts: [string, string[], CleanupSettings?][] = [
      [TEMPLATE, ["commit"]],
      [TEMPLATE, ["-c", "user.name=x", "-C", "/repo", "commit", "-v"]],
      [`${TEMPLATE}${SCISSORS}`, ["commit", "-v"]],
      ["\n\nSigned-off-by: A <a@example.com>\n", ["commit", "-s"]],
      ["  \n", ["commit", "-am", "  "]],
      ["  \n", ["commit", "-m", " "]],
      [TEMPLATE, ["commit", "-e", "-m", "x"]],
      ["; note\n", ["commit"], { cleanup: undefined, commentChar: ";" }],
      [TEMPLATE, ["commit", "--cleanup=strip", "-m", "x"]],
    ];
    for (const [raw, args, settings] of aborts) expect(abortsAsEmpty(raw, args, settings ?? SETTINGS), args.join(" ")).toBe(true);
  });

  it("says no wherever git keeps the message or the command is not read for sure", () => {
    const keeps: [string, string[], CleanupSettings?][] = [
      ["", ["commit", "--allow-empty-message"]],
      ["# a line the user wrote\n", ["commit", "-m", "# a line the user wrote"]],
      ["# a line the user wrote\n", ["commit", "-am", "# a line the user wrote"]],
      ["\n", ["commit", "--cleanup=verbatim", "-m", "\n"]],
      [TEMPLATE, ["commit"], { cleanup: "whitespace", commentChar: "#" }],
      [TEMPLATE, ["merge", "--no-ff", "topic"]],
      [TEMPLATE, ["commit", "--squash", "HEAD~1"]],
      [TEMPLATE, ["commit", "--amend"]],
      [TEMPLATE, ["commit", "-x"]],
      ["feat: real\n", ["commit"]],
    ];
    for (const [raw, args, settings] of keeps) expect(abortsAsEmpty(raw, args, settings ?? SETTINGS), args.join(" ")).toBe(false);
  });

  it("looks further only at messages with no line that starts with a letter or digit", () => {
    expect(mightBeEmpty(TEMPLATE)).toBe(true);
    expect(mightBeEmpty("\nSigned-off-by: A <a@example.com>\n")).toBe(true);
    expect(mightBeEmpty("fix: x\n# comment\n")).toBe(false);
  });
});
