/** The registry of built-in policies, in the order they run and report. */
import type { AnyPolicy } from "./policy.js";
import commitMessage from "./commit-message.js";
import branchName from "./branch-name.js";
import fileSize from "./file-size.js";
import forbiddenPaths from "./forbidden-paths.js";
import secrets from "./secrets.js";
import author from "./author.js";
import protectedRefs from "./protected-refs.js";
import signedCommits from "./signed-commits.js";
import eslint from "./eslint.js";
import prettier from "./prettier.js";

export const POLICIES: readonly AnyPolicy[] = [
  commitMessage,
  branchName,
  forbiddenPaths,
  secrets,
  author,
  fileSize,
  protectedRefs,
  signedCommits,
  eslint,
  prettier,
];

export function findPolicy(id: string): AnyPolicy | undefined {
  return POLICIES.find((policy) => policy.id === id);
}
