/**
 * What the daemon lints when it starts, so the first commit finds eslint, prettier, the repository's configs and the
 * code they run loaded and compiled: made-up files at the work tree's root, never read from or written to disk.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ToolRequest } from "@shipgate/core";

const TYPESCRIPT = `/** A made-up module. */
export interface Item {
  id: number;
  name: string;
}

export function total(items: Item[], factor = 1): number {
  let sum = 0;
  for (const item of items) {
    if (item.id > 0) sum += item.id * factor;
  }
  return sum;
}

export const label = (item: Item): string => \`\${item.name} (#\${item.id})\`;
`;

const JAVASCRIPT = `/** A made-up module. */
export function groupBy(items, keyOf) {
  const groups = new Map();
  for (const item of items) {
    const key = keyOf(item);
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return groups;
}

export const unique = (values) => [...new Set(values)];
`;

const ESLINT_CONFIGS = ["js", "mjs", "cjs", "ts", "mts", "cts"].map((ext) => `eslint.config.${ext}`);
/** Each file is linted a few times: V8 compiles what runs often, and a commit then runs compiled code. */
const ROUNDS = 3;

export function warmUpRequests(workTree: string): ToolRequest[] {
  const files = [
    { filePath: join(workTree, "shipgate-warm-up.ts"), source: TYPESCRIPT },
    { filePath: join(workTree, "shipgate-warm-up.js"), source: JAVASCRIPT },
  ];
  const rounds = Array.from({ length: ROUNDS }, () => files).flat();
  const requests: ToolRequest[] = [];
  if (ESLINT_CONFIGS.some((name) => existsSync(join(workTree, name)))) {
    requests.push({ tool: "eslint", jobs: rounds.map((file) => ({ root: workTree, fix: true, ...file })) });
  }
  requests.push({ tool: "prettier", jobs: rounds.map((file) => ({ cwd: workTree, requireConfig: true, ...file })) });
  return requests;
}
