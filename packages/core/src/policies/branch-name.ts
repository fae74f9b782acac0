/** branch-name: branches being committed to or pushed follow a naming pattern. */
import * as v from "valibot";
import { definePolicy, regexUses, type Issue } from "./policy.js";
import { safeRegExp } from "../regex.js";

const options = v.strictObject({
  /** Regular expression a branch name (without refs/heads/) must match. */
  pattern: v.optional(
    v.string(),
    "^(main|master|develop|release/[\\w.-]+|(feat|fix|docs|chore|refactor|perf|test|build|ci|hotfix|renovate|dependabot)/[\\w./-]+)$",
  ),
  /** Names always accepted, whatever the pattern says. */
  allow: v.optional(v.array(v.string()), ["main", "master"]),
});

export default definePolicy({
  id: "branch-name",
  summary: "branch names match the configured pattern",
  stages: ["pre-commit", "pre-push", "pre-receive"],
  options,
  lines: "none",
  patterns: (o) => regexUses("pattern", o.pattern),
  check({ change, options: o }) {
    const pattern = safeRegExp(o.pattern, "policies.branch-name.pattern");
    const names = new Set<string>();
    if (change.branch !== null && (change.stage === "pre-commit" || change.stage === "commit-msg")) names.add(change.branch);
    for (const ref of change.refs) if (ref.kind === "branch" && !ref.deleted && ref.created) names.add(ref.name);
    const issues: Issue[] = [];
    for (const ref of names) {
      const name = ref.replace(/^refs\/heads\//, "");
      if (o.allow.includes(name) || pattern.test(name)) continue;
      issues.push({ ref, message: `branch "${name}" does not match ${o.pattern}`, fix: `Rename it: git branch -m ${JSON.stringify(name)} feat/<topic>.` });
    }
    return { issues };
  },
});
