/**
 * Edits saved while pre-commit rewrites the work tree: an editor keeps appending to, rewriting, truncating and
 * atomically replacing staged files during a real `git commit` whose hook formats them with prettier. Every saved
 * byte must survive, and the commit must hold every fix. `bench/fixer-soak.mjs` runs the same at 2,000 files for
 * as long as you like. Reproduce a failure with SHIPGATE_RACE_SEED=<seed>.
 */
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRepo, installHooks, linkTools, NO_OTHER_DEVICE, otherDeviceDir, type TestRepo } from "@shipgate/test-utils";
import { checkEdits, fixerStarted, readBlobs, startEditing } from "@shipgate/test-utils/concurrent-editor";

const RUNS = Number(process.env["SHIPGATE_RACE_RUNS"] ?? 3);
const SEED = Number(process.env["SHIPGATE_RACE_SEED"] ?? 20261201);
const FILES = 120;
const paths = Array.from({ length: FILES }, (_, i) => `src/f${i}.js`);
const ugly = (i: number, run: number) => `const   v${i} = {k:${i}, run:${run}}\n`;
const pretty = (i: number, run: number) => `const v${i} = { k: ${i}, run: ${run} };\n`;

function commitAsync(repo: TestRepo, message: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn("git", ["commit", "-q", "-m", message], { cwd: repo.dir, env: repo.env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

function prettierRepo(): TestRepo {
  const repo = createRepo({ files: { ".shipgate.yml": "policies:\n  prettier: error\n", "README.md": "# race\n" } });
  linkTools(repo.dir, ["prettier"]);
  repo.git("add", "-A");
  repo.git("commit", "-q", "--no-verify", "-m", "chore: tools");
  installHooks(repo);
  return repo;
}

/** Runs `runs` commits with the editor saving meanwhile; checks each; returns how many saves the editor made. */
async function raceRuns(repo: TestRepo, gitDir: string, runs: number, seedBase: number): Promise<number> {
  let saves = 0;
  for (let run = 0; run < runs; run++) {
    const seed = seedBase + run;
    repo.write(Object.fromEntries(paths.map((p, i) => [p, ugly(i, run)])));
    repo.git("add", "-A");
    const editor = startEditing({ dir: repo.dir, paths, seed, startWhen: () => fixerStarted(gitDir) });
    const committed = await commitAsync(repo, `feat: run ${run}`);
    const journal = await editor.stop();
    const context = `seed ${seed}: ${committed.stderr}`;
    expect(committed.code, context).toBe(0);

    const head = readBlobs(
      repo.dir,
      repo.env,
      paths.map((p) => `HEAD:${p}`),
    );
    paths.forEach((p, i) => expect(head.get(`HEAD:${p}`)?.toString(), `${context}: committed ${p}`).toBe(pretty(i, run)));
    const check = checkEdits(journal, {
      read: (p) => readFileSync(join(repo.dir, p)),
      staged: (p) => Buffer.from(ugly(paths.indexOf(p), run)),
      fixed: (p) => Buffer.from(pretty(paths.indexOf(p), run)),
    });
    expect(check.wrong, context).toEqual([]);
    expect(check.bytesLost).toBe(0);
    paths.forEach((p, i) => {
      if (!journal.has(p)) expect(readFileSync(join(repo.dir, p), "utf8"), `${context}: untouched ${p}`).toBe(pretty(i, run));
    });
    saves += check.saves;
  }
  return saves;
}

/** A directory on another device than the temporary directory (tmpfs /dev/shm), or null where there is none. */
describe("edits saved while pre-commit fixes the work tree", () => {
  it(`loses no saved byte and commits every fix, over ${RUNS} runs of ${FILES} files (seed ${SEED})`, { timeout: 300_000 }, async () => {
    const repo = prettierRepo();
    // The editor really saved files while the hook ran (else this test would prove nothing).
    expect(await raceRuns(repo, join(repo.dir, ".git"), RUNS, SEED)).toBeGreaterThan(0);
  });

  it(
    "loses no saved byte when the git dir is on another device than the work tree, where no hard link can pin a file",
    { timeout: 300_000 },
    async (context) => {
      const elsewhere = otherDeviceDir();
      // Skipped only on a machine without a second filesystem, and the report says so; CI's machines have /dev/shm.
      if (elsewhere === null) return context.skip(NO_OTHER_DEVICE);
      const repo = prettierRepo();
      // What `git init --separate-git-dir` makes (git itself cannot move a git dir across devices): a gitfile.
      const gitDir = join(elsewhere, "git");
      cpSync(join(repo.dir, ".git"), gitDir, { recursive: true });
      rmSync(join(repo.dir, ".git"), { recursive: true });
      writeFileSync(join(repo.dir, ".git"), `gitdir: ${gitDir}\n`);
      repo.git("config", "core.hooksPath", join(gitDir, "test-hooks"));
      expect(await raceRuns(repo, gitDir, 2, SEED + 100)).toBeGreaterThan(0);
    },
  );
});
