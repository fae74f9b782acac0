/** The POSIX sh hook scripts the installer writes; every value is single-quoted, nothing from a push reaches them. */
import type { Flavor } from "./input.js";
import { CHAINED_SUFFIX } from "./chain.js";

/** Marks a file as written by shipgate: install may rewrite it, uninstall may remove it. */
export const MARKER = "# shipgate-managed-hook";

/** Quotes a value for sh: inside single quotes nothing expands; a single quote becomes '\''. */
export function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export interface HookPaths {
  /** Absolute path of node, or null to find `node` on PATH (GitHub Enterprise environments). */
  node: string | null;
  /** The @shipgate/server bin.js the hook execs. */
  entry: string;
  /** The trusted server config. */
  config: string;
}

/** hooks/pre-receive (bare, gitolite), custom_hooks/pre-receive.d/shipgate (GitLab) or the GHES script. */
export function preReceiveScript(flavor: Flavor, paths: HookPaths): string {
  const chains = flavor === "bare" || flavor === "gitolite";
  return [
    "#!/bin/sh",
    `# shipgate pre-receive hook (flavor: ${flavor}), written by \`shipgate server install\`.`,
    "# Re-run the install to change it; `shipgate server uninstall` removes it and restores the hook it replaced.",
    MARKER,
    `node=${paths.node === null ? "node" : shQuote(paths.node)}`,
    `entry=${shQuote(paths.entry)}`,
    `config=${shQuote(paths.config)}`,
    ...(chains
      ? [
          `# A hook that was here before shipgate runs after it, with the same input (git runs hooks by a path with a slash).`,
          `chained="\${0%/*}/pre-receive${CHAINED_SUFFIX}"`,
          `exec "$node" "$entry" pre-receive --flavor ${flavor} --config "$config" --chain "$chained"`,
        ]
      : [`exec "$node" "$entry" pre-receive --flavor ${flavor} --config "$config"`]),
    "",
  ].join("\n");
}

/**
 * hooks/post-receive: for now it only runs the hook it replaced, with the same input. The deploy trigger
 * (queue a deploy for matching refs) will be added here by @shipgate/deploy; this script does not deploy.
 */
export function postReceiveScript(): string {
  return [
    "#!/bin/sh",
    "# shipgate post-receive hook, written by `shipgate server install`.",
    "# It only chains the post-receive hook that was here before (same stdin, same arguments); the deploy",
    "# trigger will be added by shipgate's deploy package. Nothing is deployed by this script today.",
    MARKER,
    `chained="\${0%/*}/post-receive${CHAINED_SUFFIX}"`,
    'if [ -x "$chained" ]; then exec "$chained" "$@"; fi',
    "exit 0",
    "",
  ].join("\n");
}
