/**
 * The tool host a pre-commit hook hands to the eslint and prettier policies. It loads the daemon client, the worker
 * pool and the socket code only when a policy has a file to lint: a commit without lint work pays nothing for them.
 */
import type { OutcomeOf, Repo, ToolHost, ToolRequest } from "@shipgate/core";

export interface HookTools extends ToolHost {
  /** Stops this process's worker threads and its connection to the daemon (the daemon keeps running). */
  close(): Promise<void>;
}

export function hookTools(repo: Repo, env: NodeJS.ProcessEnv, log: (line: string) => void): HookTools {
  let loaded: Promise<HookTools> | null = null;
  const load = () => (loaded ??= import("./daemon-or-local.js").then(({ DaemonOrLocal }) => new DaemonOrLocal(repo, env, log)));
  return {
    async run<R extends ToolRequest>(request: R, started?: (index: number) => void): Promise<OutcomeOf<R>[]> {
      return (await load()).run(request, started);
    },
    async close() {
      if (loaded !== null) await (await loaded).close();
    },
  };
}
