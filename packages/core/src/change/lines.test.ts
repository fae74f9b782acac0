import { describe, expect, it } from "vitest";
import { createRepo } from "@shipgate/test-utils";
import { openRepo } from "../git/repo.js";
import { KEYWORDS } from "../policies/secrets.js";
import { POLICIES } from "../policies/index.js";
import { InternalError } from "../errors.js";
import { runPolicies, linesRead } from "../run.js";
import type { Config } from "../config/schema.js";
import { buildRangeChange } from "./build.js";
import { isAsciiPattern, serves, unionLines } from "./lines.js";

describe("unionLines", () => {
  it("keeps every line when one policy reads all, none when none reads any, else one pattern for all of them", () => {
    expect(unionLines([])).toBe("none");
    expect(unionLines(["none", "none"])).toBe("none");
    expect(unionLines(["none", /token/i, "all"])).toBe("all");
    expect(unionLines(["none", KEYWORDS])).toBe(KEYWORDS);
    const both = unionLines([/token/, /SECRET/i]);
    expect(both).toBeInstanceOf(RegExp);
    const union = both as RegExp;
    expect(union.ignoreCase).toBe(true);
    expect(["a token", "my secret", "nothing here"].map((line) => union.test(line))).toEqual([true, true, false]);
    expect(serves(union, /token/) && serves(union, /SECRET/i)).toBe(true);
  });

  it("falls back to every line for a pattern that cannot be tested on bytes", () => {
    expect(unionLines([/to.en/])).toBe("all");
    expect(unionLines([/key/iu])).toBe("all");
  });
});

describe("isAsciiPattern", () => {
  it("accepts literal ASCII, escaped punctuation, positive classes, groups and alternatives", () => {
    expect(isAsciiPattern(KEYWORDS)).toBe(true);
    expect(isAsciiPattern(/api[_-]?key|hooks\.slack\.com|:\/\//i)).toBe(true);
  });

  it("refuses what could match part of a multi-byte character or fold non-ASCII onto ASCII", () => {
    for (const pattern of [/a.b/, /\w+/, /[^x]/, /\S/, /key/u, /a+/, /(key)/, /k\u017Fy/, /é/]) expect(isAsciiPattern(pattern)).toBe(false);
  });
});

describe("serves", () => {
  it("knows which selections carry the lines a policy reads", () => {
    expect(serves("all", /x/)).toBe(true);
    expect(serves("none", "none")).toBe(true);
    expect(serves("none", /x/)).toBe(false);
    expect(serves(/x/, "all")).toBe(false);
    expect(serves(/x/, /y/)).toBe(false);
  });
});

describe("linesRead", () => {
  const config = (policies: Config["policies"]): Config => ({ policies });

  it("asks only for keyword lines when secrets is the one policy that reads lines, and for none without it", () => {
    expect(linesRead("pre-receive", config({ secrets: { severity: "error" }, "file-size": { severity: "error" } }))).toBe(KEYWORDS);
    expect(linesRead("pre-receive", config({ "file-size": { severity: "error" } }))).toBe("none");
    expect(linesRead("commit-msg", config({ secrets: { severity: "error", stages: ["pre-push"] } }))).toBe("none");
  });

  it("declares for every built-in policy which lines it reads", () => {
    for (const policy of POLICIES) expect(policy.lines, policy.id).toBeDefined();
  });

  it("refuses to run a policy on a Change built without the lines it reads", async () => {
    const repo = createRepo({ files: { "a.txt": "a\n" } });
    const base = repo.git("rev-parse", "HEAD");
    repo.write({ "a.txt": "a\ntoken = 'x'\n" });
    repo.git("commit", "-qam", "feat: b");
    const opened = await openRepo(repo.dir, repo.env);
    const change = await buildRangeChange(opened, [{ name: "refs/heads/main", oldOid: base, newOid: repo.git("rev-parse", "HEAD") }], {
      stage: "ci",
      known: [base],
      lines: "none",
    });
    change.objects.close();
    expect(change.files[0]?.addedLines).toEqual([]);
    await expect(runPolicies(change, config({ secrets: { severity: "error" } }))).rejects.toBeInstanceOf(InternalError);
  });
});
