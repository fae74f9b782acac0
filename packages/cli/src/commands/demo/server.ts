/** Part two of the demo: a bare "server" repository guarded by the hooks `shipgate server install` writes. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { exitOutcome, type DemoRepo } from "./hooks.js";
import type { Shell } from "./shell.js";
import type { Step } from "./step.js";

export interface DeployTarget {
  /** The release-dir deployer's root (`releases/`, `current`, `shared/.env`). */
  root: string;
  port: number;
  /** The restart script the deployer runs after switching `current`. */
  restart: string;
  /** Whether the deploy runs the release gate (@shipgate/migrations is installed). */
  gate: boolean;
}

/** The trusted server config: the recommended policies at pre-receive, and (with a target) deploys of `v*` tags to production. */
export function writeServerConfig(file: string, target: DeployTarget | null): void {
  const policies = {
    "commit-message": "error",
    secrets: "error",
    "forbidden-paths": "error",
    "file-size": { severity: "error", max: "5 MB" },
    "protected-refs": { severity: "error", stages: ["pre-receive"] },
  };
  const deploy =
    target === null
      ? {}
      : {
          deploy: {
            environments: {
              production: {
                trigger: { tags: ["v*"] },
                gate: target.gate,
                deployer: { type: "release-dir", root: target.root, shared: [".env"], restart: ["sh", target.restart], timeout: 30 },
                verify: {
                  window: 30,
                  http: [{ url: `http://127.0.0.1:${target.port}/health`, interval: 0.2, successes: 3, failures: 3, initialDelay: 0.5, timeout: 1 }],
                  commands: [{ command: ["node", "smoke.mjs"], cwd: join(target.root, "current"), timeout: 20 }],
                },
              },
            },
          },
        };
  // JSON is YAML: one line per setting would be easier on the eye, but this way no path needs quoting rules.
  writeFileSync(file, `${JSON.stringify({ policies, ...deploy }, null, 2)}\n`);
}

export function serverSteps(repo: DemoRepo, server: string, config: string, shell: Shell): Step[] {
  return [
    {
      title: `shipgate server install ${server}  (a trusted server config: the policies, and deploys of v* tags)`,
      expect: "accepted",
      run: async () => exitOutcome(await shell.shipgate(["server", "install", server, "--config", config], { cwd: repo.dir, timeoutMs: 60_000 })),
    },
    {
      title: "git push --no-verify origin main  (skips the client hooks: the server's pre-receive checks the same policy)",
      expect: "refused",
      run: async () => exitOutcome(await repo.git(["push", "--no-verify", "origin", "main"])),
    },
    {
      title: "drop the .env commit (git reset --hard HEAD~1) and push main again",
      expect: "accepted",
      run: async () => {
        await repo.git(["reset", "-q", "--hard", "HEAD~1"]);
        return exitOutcome(await repo.git(["push", "origin", "main"]));
      },
    },
  ];
}
