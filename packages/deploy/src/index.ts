/** @shipgate/deploy: deploy a release, verify it, and put the last good one back when it fails. */
export * from "./settings.js";
export type * from "./types.js";
