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

/** Where the pre-receive script puts NODE_EXTRA_CA_CERTS while node starts; bin.js puts it back. */
export const CA_CERTS_SAVED = "SHIPGATE_NODE_EXTRA_CA_CERTS";

/**
 * The checker opens no TLS connection, and node reads NODE_EXTRA_CA_CERTS at start-up, which costs tens of
 * milliseconds per push: the variable waits aside while node starts, and git and a chained hook get it back.
 */
const CA_CERTS_ASIDE = [
  "# node starts sooner without reading extra CA certificates, which the checker never uses; it puts them back for what it runs.",
  `if [ -n "\${NODE_EXTRA_CA_CERTS+set}" ]; then ${CA_CERTS_SAVED}=$NODE_EXTRA_CA_CERTS; export ${CA_CERTS_SAVED}; unset NODE_EXTRA_CA_CERTS; fi`,
];

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
    ...CA_CERTS_ASIDE,
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
 * hooks/post-receive. With `deploy` (the @shipgate/deploy bin, when installed) it queues the deploys that the
 * trusted config's `deploy:` section triggers, then chains the hook it replaced with the same input; without, it only
 * chains. The trigger never deploys and never holds the push: a detached worker does the work.
 */
export function postReceiveScript(deploy: { node: string; bin: string; config: string } | null = null): string {
  const chain = [`chained="\${0%/*}/post-receive${CHAINED_SUFFIX}"`];
  if (deploy === null)
    return [
      "#!/bin/sh",
      "# shipgate post-receive hook, written by `shipgate server install`.",
      "# It only chains the post-receive hook that was here before (same stdin, same arguments): @shipgate/deploy",
      "# was not installed beside @shipgate/server, so no deploy is triggered. Install it and re-run the install.",
      MARKER,
      ...chain,
      'if [ -x "$chained" ]; then exec "$chained" "$@"; fi',
      "exit 0",
      "",
    ].join("\n");
  return [
    "#!/bin/sh",
    "# shipgate post-receive hook, written by `shipgate server install`.",
    "# It queues the deploys that the deploy: section of the trusted config triggers (a detached worker runs them),",
    "# then runs the post-receive hook that was here before with the same stdin and arguments.",
    MARKER,
    `node=${shQuote(deploy.node)}`,
    `deploy=${shQuote(deploy.bin)}`,
    `config=${shQuote(deploy.config)}`,
    ...chain,
    'if [ -x "$chained" ]; then',
    "  input=$(cat)",
    `  printf '%s\\n' "$input" | "$node" "$deploy" post-receive --config "$config"`,
    `  printf '%s\\n' "$input" | "$chained" "$@"`,
    "  exit $?",
    "fi",
    'exec "$node" "$deploy" post-receive --config "$config"',
    "",
  ].join("\n");
}
