/** A bare repository with release tags, deploy settings and file steps (fixtures/file-steps.mjs), for the engine's tests. */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRepo, gitEnv, tempDir, type TestRepo } from "@shipgate/test-utils";
import { Ledger } from "../../packages/core/src/index.js";
import { deployRelease, openTarget, runWorker, type DeployRecord, type RunOptions, type Target } from "../../packages/deploy/src/index.js";
import { calls, fileSteps } from "./fixtures/file-steps.mjs";

export interface DeployFixture {
  /** The bare repository holding the tags and the ledger. */
  gitDir: string;
  remote: TestRepo;
  work: TestRepo;
  /** Where the file steps keep `serving` and `calls.log`. */
  root: string;
  configFile: string;
  target(): Promise<Target>;
  /** Commits app.txt with `content`, tags it and pushes the tag; returns the commit. */
  release(tag: string, content: string): string;
  calls(): string[];
  serving(): string;
  /** refs/shipgate/* as ref -> data. */
  ledger(): Promise<Record<string, Record<string, unknown>>>;
  audit(): Record<string, unknown>[];
  /** The records in the note of `sha`. */
  notes(sha: string): DeployRecord[];
  deploy(tag: string, options?: Partial<RunOptions> & { env?: string; allowBad?: { reason: string } }): Promise<DeployRecord>;
  work1(options?: Partial<RunOptions>): Promise<DeployRecord[]>;
}

export function deployConfig(environment: Record<string, unknown> = {}, top: Record<string, unknown> = {}): string {
  const production = { trigger: { tags: ["v*"] }, deployer: { type: "command", command: ["true"] }, verify: { window: 5 }, ...environment };
  // server: the pre-receive checker of the installed hooks accepts every push (it is not what these tests are about)
  return JSON.stringify({ server: { allowEmpty: true }, deploy: { environments: { production }, ...top } }, null, 2);
}

export function createDeployFixture(config: string = deployConfig()): DeployFixture {
  const remote = createRepo({ bare: true });
  const work = createRepo({ files: { "README.md": "app\n" } });
  work.git("remote", "add", "origin", remote.dir);
  work.git("push", "-q", "origin", "main");
  const root = tempDir("shipgate-deploy-root-");
  const configFile = join(tempDir("shipgate-etc-"), "server.yml");
  writeFileSync(configFile, config);
  remote.git("config", "shipgate.config", configFile); // as shipgate server install records it
  const gitDir = remote.dir;
  const target = () => openTarget({ cwd: gitDir, env: gitEnv(), config: configFile, gitDir });
  const steps = async () => fileSteps(root);
  return {
    gitDir,
    remote,
    work,
    root,
    configFile,
    target,
    release: (tag, content) => {
      const sha = work.commit(`feat: ${tag}`, { "app.txt": content });
      work.git("tag", "-a", tag, "-m", tag);
      work.git("push", "-q", "origin", "main", `refs/tags/${tag}`);
      return sha;
    },
    calls: () => calls(root),
    serving: () => (existsSync(join(root, "serving")) ? (readFileSync(join(root, "serving"), "utf8").split("\n")[0] ?? "") : ""),
    ledger: async () => {
      const entries = await Ledger.at(gitDir, gitEnv()).read();
      return Object.fromEntries([...entries.values()].map((entry) => [entry.ref, entry.data]));
    },
    audit: () => {
      const file = join(gitDir, "shipgate-deploy.jsonl");
      if (!existsSync(file)) return [];
      return readFileSync(file, "utf8")
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    notes: (sha) => {
      const result = remote.gitRaw(["notes", "--ref=refs/notes/shipgate", "show", sha]);
      if (result.status !== 0) return [];
      return result.stdout
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line) as DeployRecord);
    },
    deploy: async (tag, options = {}) => {
      const { env = "production", allowBad, ...rest } = options;
      return deployRelease(await target(), { env, tag, allowBad }, { who: "tester", steps, log: () => undefined, ...rest });
    },
    work1: async (options = {}) => runWorker(await target(), { once: true, who: "test-worker", steps, ...options }),
  };
}

/** Waits (polling) until `condition` holds; an async condition is awaited, so no check outlives the wait. */
export async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 20));
}
