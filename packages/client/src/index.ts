/** @shipgate/client: the pre-commit, commit-msg and pre-push runners, fixers that keep unstaged work, and `init`. */
export {};
