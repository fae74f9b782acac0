/** file-size: no file version larger than a limit (Git LFS pointers are small and pass). */
import * as v from "valibot";
import { definePolicy, globUses, type Issue } from "./policy.js";
import type { FileChange } from "../change/types.js";
import { formatSizeAgainst, parseSize } from "../size.js";
import { compileGlobs, type Matcher } from "../glob.js";

const size = v.pipe(
  v.union([v.number(), v.string()], 'expected a size such as 5000000 or "5 MB"'),
  v.check((value) => parseSize(value) !== null, 'expected a size such as 5000000, "500 KB" or "5 MB"'),
);

const options = v.strictObject({
  max: v.optional(size, "5 MB"),
  /** Globs with their own limit, e.g. { "*.png": "200 KB" }; the first that matches wins. */
  overrides: v.optional(v.record(v.string(), size), {}),
  /** Globs that are never checked. */
  exclude: v.optional(v.array(v.string()), []),
});

export default definePolicy({
  id: "file-size",
  summary: "files stay under a size limit",
  stages: ["pre-commit", "pre-push", "pre-receive", "ci"],
  options,
  lines: "none",
  patterns: (o) => [...Object.keys(o.overrides).map((glob) => ({ key: `overrides[${JSON.stringify(glob)}]`, glob })), ...globUses("exclude", o.exclude)],
  keepsFromFixers: (file, o) => overLimit(file, o) !== null,
  check({ change, options: o }) {
    const issues: Issue[] = [];
    for (const file of change.files) {
      const over = overLimit(file, o);
      if (over === null || file.size === null) continue;
      // In the user's unit: a limit written "2 MB" reads "is 2.4 MB, over the 2 MB limit".
      const shown = formatSizeAgainst(file.size, over.written);
      issues.push({
        path: file.path,
        ...(file.commit !== null ? { commit: file.commit } : {}),
        message: `${file.path} is ${shown.size}, over the ${shown.limit} limit${over.glob !== null ? ` for ${over.glob}` : ""}`,
        fix: "Keep large files out of git (Git LFS, an artifact store), or raise the limit for this path in policies.file-size.overrides.",
      });
    }
    return { issues };
  },
});

type Options = v.InferOutput<typeof options>;

/** The limit a file version is over (as the user wrote it, and the override glob that set it), or null within its limit. */
function overLimit(file: FileChange, o: Options): { written: number | string; glob: string | null } | null {
  const limits = compiled(o);
  if (file.status === "D" || file.kind === "submodule" || file.size === null || limits.excluded(file.path)) return null;
  const override = limits.overrides.find((entry) => entry.match(file.path));
  const limit = override?.limit ?? limits.max;
  return file.size > limit ? { written: override?.written ?? o.max, glob: override?.glob ?? null } : null;
}

interface Limits {
  max: number;
  excluded: Matcher;
  overrides: { match: Matcher; limit: number; written: number | string; glob: string }[];
}

/** The options' globs and sizes, compiled once per options object (a push checks thousands of files). */
const compiledLimits = new WeakMap<Options, Limits>();
function compiled(o: Options): Limits {
  let limits = compiledLimits.get(o);
  if (limits === undefined) {
    limits = {
      max: parseSize(o.max) ?? Infinity,
      excluded: compileGlobs(o.exclude),
      overrides: Object.entries(o.overrides).map(([glob, limit]) => ({
        match: compileGlobs([glob]),
        limit: parseSize(limit) ?? Infinity,
        written: limit,
        glob,
      })),
    };
    compiledLimits.set(o, limits);
  }
  return limits;
}
