/** file-size: no file version larger than a limit (Git LFS pointers are small and pass). */
import * as v from "valibot";
import { definePolicy, type Issue } from "./policy.js";
import type { FileChange } from "../change/types.js";
import { formatSizeAgainst, parseSize } from "../size.js";
import { compileGlobs } from "../glob.js";

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
  check({ change, options: o }) {
    const max = parseSize(o.max) ?? Infinity;
    const excluded = compileGlobs(o.exclude);
    const overrides = Object.entries(o.overrides).map(([glob, limit]) => ({
      match: compileGlobs([glob]),
      limit: parseSize(limit) ?? Infinity,
      written: limit,
      glob,
    }));
    const issues: Issue[] = [];
    for (let i = 0; i < change.files.length; i++) {
      const file = change.files[i] as FileChange;
      if (file.status === "D" || file.kind === "submodule" || file.size === null || excluded(file.path)) continue;
      const override = overrides.find((entry) => entry.match(file.path));
      const limit = override?.limit ?? max;
      if (file.size <= limit) continue;
      // In the user's unit: a limit written "2 MB" reads "is 2.4 MB, over the 2 MB limit".
      const shown = formatSizeAgainst(file.size, override?.written ?? o.max);
      issues.push({
        path: file.path,
        ...(file.commit !== null ? { commit: file.commit } : {}),
        message: `${file.path} is ${shown.size}, over the ${shown.limit} limit${override ? ` for ${override.glob}` : ""}`,
        fix: "Keep large files out of git (Git LFS, an artifact store), or raise the limit for this path in policies.file-size.overrides.",
      });
    }
    return { issues };
  },
});
