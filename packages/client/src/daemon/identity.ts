/**
 * What a daemon must share with the hook it answers: the same shipgate build, the same Node and the same environment
 * for the tools. A daemon that differs in any of them is stale: the hook lints in process instead.
 */
import { existsSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface Identity {
  build: string;
  node: string;
  env: string;
}

/**
 * The entry scripts of the daemon and of its worker threads, beside this module in the CLI's bundle and in the
 * package's dist; tests that run the TypeScript sources use the built ones.
 */
export function entryScript(name: "lint-daemon" | "lint-worker"): string {
  const beside = fileURLToPath(new URL(`./${name}.js`, import.meta.url));
  if (existsSync(beside)) return beside;
  return fileURLToPath(new URL(`../../dist/daemon/${name}.js`, import.meta.url));
}

/** Variables the tools read (Node's own, eslint's, prettier's, TypeScript's, browserslist's); the rest cannot change a verdict. */
const TOOL_ENV = /^(NODE_(?!CHANNEL_|UNIQUE_ID)|ESLINT|PRETTIER|TIMING$|TS_|TSC_|BROWSERSLIST)/;

export function currentIdentity(env: NodeJS.ProcessEnv = process.env): Identity {
  const script = entryScript("lint-daemon");
  let build = script;
  try {
    const stats = statSync(script);
    build = `${script}:${stats.size}:${stats.mtimeMs}`;
  } catch {
    // not built: no daemon can match, which only means linting here
  }
  const tools = Object.entries(env)
    .filter(([name, value]) => TOOL_ENV.test(name) && value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value ?? ""}`)
    .join("\n");
  return { build, node: process.version, env: tools };
}

/** Why `theirs` cannot answer for `ours`, or null when it can. */
export function mismatch(ours: Identity, theirs: Identity): string | null {
  if (ours.build !== theirs.build) return "it runs another shipgate build";
  if (ours.node !== theirs.node) return `it runs Node ${theirs.node}, the hook Node ${ours.node}`;
  if (ours.env !== theirs.env) return "it was started with other NODE_/ESLINT/PRETTIER environment variables";
  return null;
}
