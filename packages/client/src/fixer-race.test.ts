/**
 * Edits saved while pre-commit rewrites the work tree: an editor keeps appending to, rewriting, truncating and
 * atomically replacing staged files during a real `git commit` whose hook formats them with prettier. Every saved
 * byte must survive, and the commit must hold every fix. `bench/fixer-soak.mjs` runs the same at 2,000 files for
 * as long as you like. Reproduce a failure with SHIPGATE_RACE_SEED=<seed>.
 */
import { describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createRepo, installHooks, linkTools, type TestRepo } from "@shipgate/test-utils";
import { checkEdits, fixerStarted, startEditing } from "@shipgate/test-utils/concurrent-editor";

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

/** The blobs `rev:path` for every path, read with one `git cat-file --batch`. */
function blobs(repo: TestRepo, rev: string, names: readonly string[]): Map<string, Buffer> {
  const out = spawnSync("git", ["cat-file", "--batch"], {
    cwd: repo.dir,
    env: repo.env,
    input: names.map((p) => `${rev}:${p}\n`).join(""),
    maxBuffer: 1 << 28,
  }).stdout;
  const result = new Map<string, Buffer>();
  let offset = 0;
  for (const name of names) {
    const newline = out.indexOf(10, offset);
    const size = Number(out.subarray(offset, newline).toString().split(" ")[2]);
    result.set(name, out.subarray(newline + 1, newline + 1 + size));
    offset = newline + 1 + size + 1;
  }
  return result;
}

describe("edits saved while pre-commit fixes the work tree", () => {
  it(`loses no saved byte and commits every fix, over ${RUNS} runs of ${FILES} files (seed ${SEED})`, { timeout: 300_000 }, async () => {
    const repo = createRepo({ files: { ".shipgate.yml": "policies:\n  prettier: error\n", "README.md": "# race\n" } });
    linkTools(repo.dir, ["prettier"]);
    repo.git("add", "-A");
    repo.git("commit", "-q", "--no-verify", "-m", "chore: tools");
    installHooks(repo);
    let saves = 0;
    for (let run = 0; run < RUNS; run++) {
      const seed = SEED + run;
      repo.write(Object.fromEntries(paths.map((p, i) => [p, ugly(i, run)])));
      repo.git("add", "-A");
      const editor = startEditing({ dir: repo.dir, paths, seed, startWhen: () => fixerStarted(join(repo.dir, ".git")) });
      const committed = await commitAsync(repo, `feat: run ${run}`);
      const journal = await editor.stop();
      const context = `seed ${seed}: ${committed.stderr}`;
      expect(committed.code, context).toBe(0);

      const head = blobs(repo, "HEAD", paths);
      paths.forEach((p, i) => expect(head.get(p)?.toString(), `${context}: committed ${p}`).toBe(pretty(i, run)));
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
    // The editor really saved files while the hook ran (else this test would prove nothing).
    expect(saves).toBeGreaterThan(0);
  });
});
