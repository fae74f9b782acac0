/**
 * migrations-immutable: a migration that a release tag already contains has run in production and must not change.
 * A light entry point (`@shipgate/migrations/immutability`): no SQL parser, no database, so pre-push and pre-receive can run it.
 */
import * as v from "valibot";
import { definePolicy, isZeroOid, readSection, type Change, type Issue, type RefUpdate } from "@shipgate/core";
import { messages } from "./messages.js";
import { migrationsSection } from "./settings.js";
import { inMigrationDirs, listTree } from "./tree.js";

/** Directories and tags come from the `migrations:` section; the entry may name other release tags for this policy. */
const options = v.strictObject({
  /** Release tags (glob) whose migrations are immutable; defaults to `migrations.tags`. */
  tags: v.optional(v.pipe(v.string(), v.minLength(1, "expected a tag glob such as v*"))),
});

export const immutabilityPolicy = definePolicy({
  id: "migrations-immutable",
  summary: "refuse edits and deletions of migrations that a release tag already contains",
  stages: ["pre-push", "pre-receive", "ci"],
  options,
  lines: "none",
  patterns: (o) => (o.tags === undefined ? [] : [{ key: "tags", glob: o.tags }]),
  async check({ change, options: own, config }) {
    const section = readSection(config, migrationsSection);
    const options = { dirs: section.dirs, tags: own.tags ?? section.tags };
    const touched = new Map<string, string | null>();
    for (const file of change.files) {
      for (const path of [file.path, file.oldPath]) if (path !== null && inMigrationDirs(path, options.dirs)) touched.set(path, file.commit);
    }
    if (touched.size === 0) return { issues: [] };
    const issues: Issue[] = [];
    for (const ref of change.refs) issues.push(...(await checkRef(change, ref, touched, options)));
    return { issues: dedupe(issues) };
  },
});

async function checkRef(change: Change, ref: RefUpdate, touched: Map<string, string | null>, options: { dirs: string[]; tags: string }): Promise<Issue[]> {
  if (ref.deleted) return [];
  const base = ref.created ? parentOf(change, ref.commits[0]) : ref.oldOid;
  if (base === null || isZeroOid(base)) return [];
  const tag = await change.repo.git.probe(["describe", "--tags", "--abbrev=0", `--match=${options.tags}`, "--end-of-options", base]);
  if (tag === null || tag === "") return [];
  const paths = [...touched.keys()];
  const [released, now] = await Promise.all([listTree(change.repo, `refs/tags/${tag}`, paths), listTree(change.repo, ref.newOid, paths)]);
  const current = new Map(now.map((e) => [e.path, e.oid]));
  return released.flatMap((entry): Issue[] => {
    const oid = current.get(entry.path);
    if (oid === entry.oid) return [];
    const commit = touched.get(entry.path);
    return [
      {
        message: oid === undefined ? messages.immutableDeleted(entry.path, tag) : messages.immutable(entry.path, tag),
        fix: messages.immutableFix,
        path: entry.path,
        ref: ref.name,
        ...(commit ? { commit } : {}),
      },
    ];
  });
}

function parentOf(change: Change, oid: string | undefined): string | null {
  if (oid === undefined) return null;
  return change.commits.find((c) => c.oid === oid)?.parents[0] ?? null;
}

function dedupe(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path ?? ""}\0${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
