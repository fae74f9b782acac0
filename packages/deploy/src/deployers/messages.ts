/** Sentences of the deployers: what they did, what failed and how to fix it (to fold into the package's messages.ts). */
import type { Release } from "../types.js";

const at = (release: Release) => `${release.tag} (${release.sha.slice(0, 12)})`;

export const deployerMessages = {
  notACommit: (release: Release) => `cannot deploy ${release.tag}: "${release.sha}" is not a commit id`,
  archiveFailed: (release: Release, why: string) => `cannot read the files of ${at(release)} from the repository: ${why}`,
  rootNotAbsolute: (root: string) => `the release-dir root "${root}" is not an absolute path`,
  rootNotAbsoluteHint: "Set deployer.root to an absolute directory, e.g. /srv/app.",
  badSharedPath: (path: string) => `the shared path "${path}" must be relative to <root>/shared and must not contain ".."`,
  badSharedPathHint: 'List paths inside the release, e.g. shared: [".env", "uploads/"].',
  sharedMissing: (path: string, source: string) =>
    `the shared file ${path} does not exist: create ${source} first (shared files are linked into every release)`,
  currentNotALink: (current: string) => `${current} exists and is not a symlink: move it away so the deployer can manage it`,
  building: (name: string) => `building releases/${name}`,
  reusing: (name: string) => `releases/${name} is already built: reusing it`,
  step: (what: string, n: number, of: number, command: string) => `${what} ${n}/${of}: ${command}`,
  switched: (name: string) => `current -> releases/${name}`,
  pruned: (names: readonly string[]) => `removed old releases: ${names.join(", ")}`,
  deployed: (release: Release, name: string) => `deployed ${at(release)} into releases/${name}`,
  restored: (release: Release, name: string) => `restored ${at(release)} from releases/${name} without rebuilding`,
  notKept: (release: Release) => `${at(release)} is no longer kept on disk: deploying it again`,
  buildFailed: (release: Release, why: string) => `the build of ${at(release)} failed: ${why}; current was not changed`,
  restartFailed: (release: Release, why: string) => `${at(release)} is in place but the restart failed: ${why}`,
  ranCommand: (release: Release, why: string) => `deployed ${at(release)}: ${why}`,
  commandFailed: (release: Release, why: string) => `the deploy command for ${at(release)} failed: ${why}`,
  cancelled: (release: Release) => `the deploy of ${at(release)} was cancelled`,
  unexpected: (release: Release, why: string) => `the deploy of ${at(release)} failed: ${why}`,
};
