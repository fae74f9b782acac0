/**
 * The tool host a pre-commit hook hands to the eslint and prettier policies. It loads the daemon client, the worker
 * pool and the socket code only when a policy has a file to lint: a commit without lint work pays nothing for them.
 */
import type { Config, OutcomeOf, Repo, ToolHost, ToolRequest } from "@shipgate/core";

export interface HookTools extends ToolHost {
  /** Stops this process's worker threads and its connection to the daemon (the daemon keeps running). */
  close(): Promise<void>;
}

/** What the hook's run will ask of the tools, so work can start early: prettier's options when it runs after eslint. */
export interface ToolPlan {
  prettier: { requireConfig: boolean } | null;
}

/** The plan of a pre-commit run with this config and SHIPGATE_SKIP list. */
export function toolPlan(config: Config, skip: readonly string[]): ToolPlan {
  const entry = config.policies["prettier"];
  const on = entry !== undefined && entry.severity !== "off" && !skip.includes("prettier") && (entry.stages ?? ["pre-commit"]).includes("pre-commit");
  return { prettier: on ? { requireConfig: entry["requireConfig"] !== false } : null };
}

export function hookTools(repo: Repo, env: NodeJS.ProcessEnv, log: (line: string) => void, plan: ToolPlan = { prettier: null }): HookTools {
  let loaded: Promise<HookTools> | null = null;
  const load = () => (loaded ??= import("./daemon-or-local.js").then(({ DaemonOrLocal }) => new DaemonOrLocal(repo, env, log, plan)));
  return {
    async run<R extends ToolRequest>(request: R, started?: (index: number) => void): Promise<OutcomeOf<R>[]> {
      return (await load()).run(request, started);
    },
    async close() {
      if (loaded !== null) await (await loaded).close();
    },
  };
}
