/** author: every new commit's author and committer have a real-looking identity that matches the configured patterns. */
import * as v from "valibot";
import { definePolicy, regexUses, type Issue } from "./policy.js";
import type { CommitInfo, Person } from "../change/types.js";
import { safeRegExp, isValidRegExp } from "../regex.js";

const patterns = v.pipe(
  v.union([v.string(), v.array(v.string())], "expected a regular expression or a list of them"),
  v.check((value) => (Array.isArray(value) ? value : [value]).every(isValidRegExp), "expected valid JavaScript regular expressions"),
);

const options = v.strictObject({
  /** Emails must match at least one of these (case-insensitive; anchor them, e.g. "@example\\.com$"). Default: any valid-looking email. */
  emailPattern: v.optional(patterns),
  /** Names must match at least one of these, e.g. "^\\S+ \\S+" for first and last name. */
  namePattern: v.optional(patterns),
  /** Check the committer as well as the author. */
  committer: v.optional(v.boolean(), true),
});

export type AuthorOptions = v.InferOutput<typeof options>;
type Role = "author" | "committer";

/** One @, no spaces or angle brackets, a dot in the domain; rejects git's guesses such as "me@host.(none)". */
const EMAIL = /^[^\s@<>]+@[^\s@<>()]+\.[^\s@<>().]+$/;

export default definePolicy({
  id: "author",
  summary: "commit authors and committers have a valid name and email matching the configured patterns",
  stages: ["pre-push", "pre-receive", "ci"],
  options,
  lines: "none",
  patterns: (o) => [...regexUses("emailPattern", o.emailPattern, "i"), ...regexUses("namePattern", o.namePattern)],
  check({ change, options: o }) {
    const emails = list(o.emailPattern).map((source, i) => safeRegExp(source, `policies.author.emailPattern[${i}]`, "i"));
    const names = list(o.namePattern).map((source, i) => safeRegExp(source, `policies.author.namePattern[${i}]`));
    const issues: Issue[] = [];
    for (const commit of change.commits) {
      const roles: Role[] = o.committer ? ["author", "committer"] : ["author"];
      for (const role of roles) {
        const person = commit[role];
        // The same identity in both roles is reported once, as the author.
        if (role === "committer" && same(person, commit.author)) continue;
        issues.push(...checkPerson(commit, role, person, emails, names, o));
      }
    }
    return { issues };
  },
});

function checkPerson(commit: CommitInfo, role: Role, person: Person, emails: RegExp[], names: RegExp[], o: AuthorOptions): Issue[] {
  const where = `commit ${commit.oid.slice(0, 12)}`;
  const problems: string[] = [];
  if (person.name.trim() === "") problems.push(`${where} has an empty ${role} name`);
  else if (names.length > 0 && !names.some((re) => re.test(person.name)))
    problems.push(`${where}: ${role} name "${person.name}" does not match ${list(o.namePattern).join(" or ")}`);
  if (person.email.trim() === "") problems.push(`${where} has an empty ${role} email`);
  else if (!EMAIL.test(person.email)) problems.push(`${where}: ${role} email "${person.email}" is not a valid email address`);
  else if (emails.length > 0 && !emails.some((re) => re.test(person.email)))
    problems.push(`${where}: ${role} email "${person.email}" does not match ${list(o.emailPattern).join(" or ")}`);
  return problems.map((message) => ({ commit: commit.oid, message, fix: fixFor(role) }));
}

function fixFor(role: Role): string {
  const set = 'Set your identity (git config user.name "Your Name"; git config user.email you@example.com)';
  const rewrite =
    role === "author"
      ? "rewrite the commits: git rebase -r <base> --exec 'git commit --amend --no-edit --reset-author'"
      : "recommit them (git rebase -r --force-rebase <base>) so you become the committer";
  return `${set}, then ${rewrite}.`;
}

function same(a: Person, b: Person): boolean {
  return a.name === b.name && a.email === b.email;
}

function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
