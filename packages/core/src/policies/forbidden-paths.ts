/** forbidden-paths: files that must never be committed (keys, env files, build output), by glob. */
import * as v from "valibot";
import { definePolicy, globUses, type Issue } from "./policy.js";
import type { FileChange } from "../change/types.js";
import { compileGlobs, firstMatch } from "../glob.js";

const options = v.strictObject({
  patterns: v.optional(v.array(v.string()), [
    ".env",
    ".env.*",
    "*.pem",
    "*.key",
    "id_rsa",
    "id_ed25519",
    "*.p12",
    "*.pfx",
    // Not .npmrc: it is mostly plain settings (save-exact=true), and the secrets policy finds a token in it.
    "node_modules/**",
    "**/node_modules/**",
  ]),
  /** Globs that are allowed even when a pattern matches (e.g. ".env.example"). */
  allow: v.optional(v.array(v.string()), [".env.example", ".env.sample", ".env.template", "**/.env.example"]),
});

export default definePolicy({
  id: "forbidden-paths",
  summary: "no files at forbidden paths (globs)",
  stages: ["pre-commit", "pre-push", "pre-receive", "ci"],
  options,
  lines: "none",
  patterns: (o) => [...globUses("patterns", o.patterns), ...globUses("allow", o.allow)],
  check({ change, options: o }) {
    const forbidden = compileGlobs(o.patterns);
    const allowed = compileGlobs(o.allow);
    const issues: Issue[] = [];
    for (let i = 0; i < change.files.length; i++) {
      const file = change.files[i] as FileChange;
      if (file.status === "D" || !forbidden(file.path) || allowed(file.path)) continue;
      const pattern = firstMatch(o.patterns, file.path) ?? "";
      issues.push({
        path: file.path,
        ...(file.commit !== null ? { commit: file.commit } : {}),
        message: `${file.path} matches the forbidden pattern ${pattern}`,
        fix:
          file.commit === null
            ? `Unstage it (git rm --cached -- ${JSON.stringify(file.path)}) and add it to .gitignore.`
            : "Remove the file from these commits (git rebase -i) and add it to .gitignore.",
      });
    }
    return { issues };
  },
});
