/**
 * shipgate and commitlint side by side on messages nobody wrote for this test: every commit of this repository
 * (all branches) and the entries of the changelogs installed in node_modules, read as commit headers.
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "@shipgate/test-utils";
import { CONVENTIONAL_RULES } from "./commitlint.js";
import { agrees, compare, optionsOf, timings, type Outcome } from "./compare.js";
import { explanations } from "./known-differences.js";
import type { Sample } from "./generate.js";

const ROOT = new URL("../..", import.meta.url).pathname;

describe("commit-message against commitlint on real messages", () => {
  it("agrees on this repository's history and on changelog entries, except the documented differences", async () => {
    const samples = [...repositoryMessages(), ...changelogEntries()];
    expect(samples.length).toBeGreaterThan(100);
    const options = optionsOf("extends: recommended\n");
    timings.shipgate = 0;
    timings.commitlint = 0;
    const outcomes: Outcome[] = [];
    for (const sample of samples) outcomes.push(await compare(sample, options, { rules: CONVENTIONAL_RULES }));
    const unexplained = outcomes.filter((o) => !agrees(o.commitlint, o.shipgate) && explanations(o, options).length !== 1);
    expect(
      unexplained.map(
        (o) => `${o.sample.shape}: ${JSON.stringify(o.sample.message)} commitlint ${JSON.stringify(o.commitlint)} shipgate ${JSON.stringify(o.shipgate)}`,
      ),
    ).toEqual([]);
    for (const shape of new Set(samples.map((s) => s.shape))) {
      const mine = outcomes.filter((o) => o.sample.shape === shape);
      const agreed = mine.filter((o) => agrees(o.commitlint, o.shipgate)).length;
      const refused = mine.filter((o) => o.commitlint.verdict === "error").length;
      console.log(`real messages, ${shape}: ${mine.length} messages, agree ${agreed}, disagree ${mine.length - agreed} (commitlint refuses ${refused})`);
    }
    console.log(`real messages: shipgate ${timings.shipgate.toFixed(0)} ms, commitlint ${timings.commitlint.toFixed(0)} ms`);
  });
});

/** Every commit message reachable from any ref of the repository the test runs in, as git stores them. */
function repositoryMessages(): Sample[] {
  const result = run("git", ["log", "--all", "--format=%B%x00"], { cwd: ROOT });
  if (result.code !== 0) return [];
  return result.stdout
    .split("\0\n")
    .map((message) => message.replace(/\0$/, ""))
    .filter((message) => message.trim() !== "")
    .map((message) => ({ shape: "this repository's history", message, mode: "stored" as const }));
}

// conventional-changelog and release-please write each commit's header under its type's section.
const SECTIONS: Record<string, string> = {
  Features: "feat",
  "Bug Fixes": "fix",
  "Performance Improvements": "perf",
  Reverts: "revert",
  Documentation: "docs",
  "Miscellaneous Chores": "chore",
  "Code Refactoring": "refactor",
  Tests: "test",
  "Build System": "build",
  "Continuous Integration": "ci",
};

/**
 * Top-level entries of the changelogs installed here, one header each: an entry that a changelog generator wrote
 * from a commit (it links the commit, under a type's section) becomes that commit's header again, with its
 * `**scope:**`; any other entry is read as written. Trailing issue and commit links are removed.
 */
function changelogEntries(): Sample[] {
  const store = join(ROOT, "node_modules", ".pnpm");
  if (!existsSync(store)) return [];
  const samples: Sample[] = [];
  for (const file of changelogFiles(store)) {
    let section = "";
    for (const line of readFileSync(file, "utf8").split("\n")) {
      if (line.startsWith("### ")) section = line.slice(4).trim();
      const entry = /^[-*] (.+)$/.exec(line)?.[1];
      if (entry === undefined) continue;
      const text = entry.replace(/(?:\s*\(\[[^\]]*\]\([^)]*\)(?:,\s*\[[^\]]*\]\([^)]*\))*\))+\s*$/, "").trim();
      const type = SECTIONS[section];
      if (type !== undefined && entry.includes("/commit/")) {
        const scoped = /^\*\*([^*]+):\*\* (.*)$/.exec(text);
        const header = scoped ? `${type}(${scoped[1]}): ${scoped[2]}` : `${type}: ${text}`;
        samples.push({ shape: "changelog entries rebuilt as headers", message: header, mode: "stored" });
      } else if (text !== "") samples.push({ shape: "changelog entries as written", message: text, mode: "stored" });
    }
  }
  return samples;
}

function changelogFiles(store: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(store).sort()) {
    const modules = join(store, entry, "node_modules");
    if (!existsSync(modules)) continue;
    for (const name of readdirSync(modules)) {
      const dirs = name.startsWith("@") ? readdirSync(join(modules, name)).map((sub) => join(modules, name, sub)) : [join(modules, name)];
      for (const dir of dirs) {
        const file = ["CHANGELOG.md", "changelog.md", "HISTORY.md", "History.md"].map((f) => join(dir, f)).find((f) => existsSync(f));
        if (file !== undefined) files.push(realpathSync(file));
      }
    }
  }
  return [...new Set(files)];
}
