/**
 * Part three of the demo: release tags pushed to the server deploy through its post-receive trigger. The gate refuses a
 * release whose migration breaks the running one, a fixed release is promoted, and a release that fails verification
 * is marked bad while the last good one is put back.
 */
import { join } from "node:path";
import { appJson, MIGRATIONS, SERVER_MJS, SMOKE_MJS } from "./app.js";
import type { DemoRepo } from "./hooks.js";
import { indent, type Shell } from "./shell.js";
import type { Step } from "./step.js";

/** Milliseconds from a push to the deploy's verdict: the gate starts an embedded database, verification has a 30 s window. */
const DEPLOY_LIMIT_MS = 180_000;

interface DeployRecordView {
  release: { tag: string };
  verdict?: string;
  state: string;
  reason?: string;
  restoreTarget?: { tag: string } | null;
  steps: { state: string; ok?: boolean; output?: string }[];
}

interface Release {
  tag: string;
  message: string;
  files: readonly (readonly [string, string])[];
  /** Pushed as a tag only, from a branch that main never gets (a release that must not ship). */
  sideBranch?: boolean;
}

export interface DeployDemo {
  repo: DemoRepo;
  shell: Shell;
  server: string;
  port: number;
  gate: boolean;
}

export function deploySteps(demo: DeployDemo): Step[] {
  const { port } = demo;
  const answer = async () => `the app on 127.0.0.1:${port} answers: ${await greeting(port)}\n`;
  const steps: Step[] = [
    {
      title: `release v1: tag and push it; the post-receive trigger deploys it, starts the app on 127.0.0.1:${port}, checks /health and runs the smoke test`,
      expect: "promoted",
      run: () =>
        release(demo, {
          tag: "v1",
          message: "feat: the demo app and its users table",
          files: [["server.mjs", SERVER_MJS], ["smoke.mjs", SMOKE_MJS], ["app.json", appJson("v1", 200)], MIGRATIONS.users],
        }),
      after: answer,
    },
  ];
  if (demo.gate)
    steps.push({
      title: "release v2 drops users.email, which v1 (running) still reads: the deploy's gate replays it on embedded PGlite",
      expect: "refused by the gate",
      run: () =>
        release(demo, { tag: "v2", message: "feat!: drop users.email", files: [["app.json", appJson("v2", 200)], MIGRATIONS.dropEmail], sideBranch: true }),
      after: answer,
    });
  steps.push(
    {
      title: `release v3${demo.gate ? ", fixed: it keeps users.email (dropped once no running release reads it) and adds users.name" : ": adds users.name"}`,
      expect: "promoted",
      run: () => release(demo, { tag: "v3", message: "feat: users get a name", files: [["app.json", appJson("v3", 200)], MIGRATIONS.addName] }),
      after: answer,
    },
    {
      title: "release v4 answers 500 on /health: verification fails, shipgate marks v4 bad and puts v3 back on its own",
      expect: "rolled back to v3",
      run: () => release(demo, { tag: "v4", message: "fix: a health check that fails", files: [["app.json", appJson("v4", 500)]] }),
      after: async () => {
        const history = await demo.shell.shipgate(["history", "--env", "production", "--git-dir", demo.server], { cwd: demo.repo.dir, timeoutMs: 30_000 });
        return `shipgate history --env production:\n${indent(history.output)}${await answer()}`;
      },
    },
  );
  return steps;
}

/** Commits the release's files (through the client hooks), tags it, pushes it and follows its deploy to the verdict. */
async function release(demo: DeployDemo, release: Release): Promise<{ outcome: string; output: string }> {
  const { repo, shell } = demo;
  if (release.sideBranch === true) await repo.git(["switch", "-q", "-c", `release-${release.tag}`]);
  for (const [path, text] of release.files) repo.write(path, text);
  await repo.git(["add", "-A"]);
  const commit = await repo.git(["commit", "-q", "-m", release.message]);
  if (commit.status !== 0) return { outcome: "commit refused", output: commit.output };
  await repo.git(["tag", "-a", "-m", `release ${release.tag}`, release.tag]);
  const push = await repo.git(["push", "-q", "origin", ...(release.sideBranch === true ? [] : ["main"]), release.tag]);
  if (release.sideBranch === true) {
    await repo.git(["switch", "-q", "main"]);
    await repo.git(["branch", "-q", "-D", `release-${release.tag}`]);
  }
  if (push.status !== 0) return { outcome: push.timedOut ? "push timed out" : "push refused", output: push.output };
  const where = { cwd: repo.dir, timeoutMs: DEPLOY_LIMIT_MS };
  const follow = await shell.shipgate(["status", "--env", "production", "--follow", "--git-dir", demo.server], where);
  const output = `$ git push origin ${release.tag}\n${push.output}$ shipgate status --env production --follow\n${follow.output}`;
  if (follow.timedOut) return { outcome: `no verdict within ${DEPLOY_LIMIT_MS / 1000}s`, output };
  const history = await shell.shipgate(["history", "--env", "production", "--json", "--git-dir", demo.server], { ...where, timeoutMs: 30_000 });
  const record = (JSON.parse(history.status === 0 ? history.output : "[]") as DeployRecordView[])[0];
  if (record?.release.tag !== release.tag) return { outcome: `no deploy of ${release.tag} recorded`, output };
  const gate = record.steps.find((step) => step.state === "gate" && step.ok === false);
  return {
    outcome: outcomeOf(record),
    output: gate === undefined ? output : `${output}the gate's report, from the deploy record:\n${indent(gate.output ?? "")}`,
  };
}

function outcomeOf(record: DeployRecordView): string {
  switch (record.verdict) {
    case "restored":
      return `rolled back to ${record.restoreTarget?.tag ?? "?"}`;
    case "refused":
      return record.steps.some((step) => step.state === "gate" && step.ok === false) ? "refused by the gate" : `refused: ${record.reason ?? ""}`;
    default:
      return record.verdict ?? record.state;
  }
}

async function greeting(port: number): Promise<string> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/greeting`, { signal: AbortSignal.timeout(2000) });
    return `${response.status} ${await response.text()}`;
  } catch (error) {
    return `nothing (${(error as Error).message})`;
  }
}

export const deployRoot = (root: string) => join(root, "deploy");
