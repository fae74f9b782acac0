/** protected-refs: protected branches are never deleted or rewritten; release tags are immutable once pushed. */
import * as v from "valibot";
import { globRegExp } from "../glob.js";
import { definePolicy, globUses, type Issue } from "./policy.js";
import type { RefUpdate } from "../change/types.js";

const options = v.strictObject({
  /** Branch globs (`main`, `release/*`, or full names such as `refs/heads/main`) that may not be deleted or force-pushed. */
  branches: v.optional(v.array(v.string()), ["main", "master", "release/*"]),
  /** Tag globs of releases: creating them is fine, moving or deleting them is not. */
  tags: v.optional(v.array(v.string()), ["v[0-9]*"]),
  /** At pre-receive, also protect the repository's default branch (the one its HEAD points to), whatever its name. */
  defaultBranch: v.optional(v.boolean(), true),
});

export type ProtectedRefsOptions = v.InferOutput<typeof options>;

export default definePolicy({
  id: "protected-refs",
  summary: "no deletion or force-push of protected branches; release tags never move",
  stages: ["pre-push", "pre-receive"],
  options,
  lines: "none",
  patterns: (o) => [...globUses("branches", o.branches), ...globUses("tags", o.tags)],
  async check({ change, options: o }) {
    const branch = refMatcher(o.branches, "refs/heads/");
    const tag = refMatcher(o.tags, "refs/tags/");
    // Only the receiving repository's HEAD names its default branch (a clone's HEAD is whatever is checked out), and
    // it is read only when a branch is deleted or rewritten, so an ordinary push costs no git call.
    let head: Promise<string | null> | undefined;
    const isDefault = (name: string) => {
      if (!o.defaultBranch || change.stage !== "pre-receive") return Promise.resolve(false);
      head ??= change.repo.git.probe(["symbolic-ref", "-q", "HEAD"]);
      return head.then((target) => target === name);
    };
    const issues: Issue[] = [];
    for (const ref of change.refs) {
      if (ref.kind === "branch" && (ref.deleted || ref.forced === true) && (branch(ref.name) || (await isDefault(ref.name)))) issues.push(...checkBranch(ref));
      else if (ref.kind === "tag" && tag(ref.name)) issues.push(...checkTag(ref));
    }
    return { issues };
  },
});

/**
 * Matches full ref names against globs written either short (`main`, `release/*`, relative to `prefix`) or in
 * full (`refs/heads/main`). Unlike path globs, a pattern without a slash never matches a base name only.
 */
export function refMatcher(patterns: readonly string[], prefix: string): (refName: string) => boolean {
  if (patterns.length === 0) return () => false;
  const matchers = patterns.map((pattern) => {
    const full = pattern.startsWith("refs/");
    const { test } = globRegExp(pattern);
    return (name: string) => (full ? test(name) : name.startsWith(prefix) && test(name.slice(prefix.length)));
  });
  return (name) => matchers.some((match) => match(name));
}

function short(ref: RefUpdate): string {
  return ref.name.replace(/^refs\/(?:heads|tags)\//, "");
}

function checkBranch(ref: RefUpdate): Issue[] {
  if (ref.deleted)
    return [
      {
        ref: ref.name,
        message: `branch ${short(ref)} is protected and cannot be deleted`,
        fix: "Keep the branch; if it really must go, an admin removes it from policies.protected-refs.branches first.",
      },
    ];
  if (ref.forced === true)
    return [
      {
        ref: ref.name,
        commit: ref.newOid,
        message: `branch ${short(ref)} is protected: this push rewrites its history (non-fast-forward from ${ref.oldOid.slice(0, 12)})`,
        fix: `Fetch and rebase onto it (git pull --rebase), then push without --force; to undo a commit, push a revert (git revert).`,
      },
    ];
  return [];
}

function checkTag(ref: RefUpdate): Issue[] {
  if (ref.created) return [];
  return [
    {
      ref: ref.name,
      ...(ref.deleted ? {} : { commit: ref.newOid }),
      message: ref.deleted
        ? `release tag ${short(ref)} is immutable and cannot be deleted`
        : `release tag ${short(ref)} is immutable: it already points to ${ref.oldOid.slice(0, 12)} and cannot be moved`,
      fix: "Release a new version with a new tag instead of changing a published one.",
    },
  ];
}
