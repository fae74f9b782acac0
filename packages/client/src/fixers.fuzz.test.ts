/**
 * Randomized proof of the fixer guarantee: in each generated repository, after pre-commit and `git commit`, the
 * committed content is the fixed staged content and every unstaged byte is still in the work tree; when the hook
 * refuses, index and work tree are exactly as before. Reproduce a failure with SHIPGATE_FUZZ_SEED=<seed>.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gitEnv, linkTools, ROOT, seededRandom } from "@shipgate/test-utils";
import { runPreCommit } from "./hooks.js";

const REPOS = Number(process.env["SHIPGATE_FUZZ_REPOS"] ?? 500);
const SEED = Number(process.env["SHIPGATE_FUZZ_SEED"] ?? 20261123);

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;

const UGLY_JS = ["const   a = {b:1}\n", "function f( x ){return x*2}\n", "let s = 'single'\n", "export const list = [1,2,3,]\n", "if(a){b()}\n"];
const PRETTY_JS = ['const ok = "yes";\n', "export function g(y) {\n  return y + 1;\n}\n"];
const BROKEN_JS = ["const = ;\n", "function (\n"];
const NAMES = ["a.js", "b.js", "src/c.js", "dir with space/d.js", "ünï cødé.js", "notes.txt", "img.bin", "e.mjs", "new\nline.js", "z.js"];

function content(rng: Rng, path: string, allowBroken: boolean): Buffer {
  if (path.endsWith(".bin")) return Buffer.from(Array.from({ length: 16 + Math.floor(rng() * 64) }, () => Math.floor(rng() * 256)).concat([0]));
  if (path.endsWith(".txt")) return Buffer.from(`text ${Math.floor(rng() * 1e6)}\n`);
  const parts = Array.from({ length: 1 + Math.floor(rng() * 3) }, () => (rng() < 0.6 ? pick(rng, UGLY_JS) : pick(rng, PRETTY_JS)));
  if (allowBroken && rng() < 0.04) parts.push(pick(rng, BROKEN_JS));
  return Buffer.from(parts.join(""));
}

/** Unstaged edits: lines added at the start, the end or both, so they are distinct from the staged lines. */
function withUnstaged(rng: Rng, staged: Buffer, path: string): Buffer {
  if (path.endsWith(".bin")) return Buffer.concat([staged, Buffer.from([0, 1, 2, Math.floor(rng() * 256)])]);
  const marker = `// unstaged ${Math.floor(rng() * 1e9)}\n`;
  const where = rng();
  if (where < 0.4) return Buffer.concat([Buffer.from(marker), staged]);
  if (where < 0.8) return Buffer.concat([staged, Buffer.from(marker)]);
  return Buffer.concat([Buffer.from(marker), staged, Buffer.from(marker)]);
}

function git(dir: string, args: string[], input?: string): string {
  const result = spawnSync("git", args, { cwd: dir, env: gitEnv(), encoding: "buffer", input, maxBuffer: 1 << 26 });
  if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr.toString()}`);
  return result.stdout.toString("utf8");
}

/** Every blob of a tree-ish (HEAD or the index via `:`), read with one ls-tree/ls-files and one cat-file. */
function snapshot(dir: string, which: "HEAD" | "index"): Map<string, Buffer> {
  const listing = which === "HEAD" ? git(dir, ["ls-tree", "-r", "-z", "HEAD"]) : git(dir, ["ls-files", "-s", "-z"]);
  const entries = listing
    .split("\0")
    .filter((l) => l !== "")
    .map((line) => {
      const tab = line.indexOf("\t");
      const fields = line.slice(0, tab).split(" ");
      return { path: line.slice(tab + 1), oid: which === "HEAD" ? (fields[2] ?? "") : (fields[1] ?? "") };
    });
  const out = spawnSync("git", ["cat-file", "--batch"], {
    cwd: dir,
    env: gitEnv(),
    input: entries.map((e) => e.oid).join("\n") + "\n",
    maxBuffer: 1 << 26,
  }).stdout;
  const files = new Map<string, Buffer>();
  let offset = 0;
  for (const entry of entries) {
    const newline = out.indexOf(10, offset);
    const size = Number(out.subarray(offset, newline).toString().split(" ")[2]);
    files.set(entry.path, out.subarray(newline + 1, newline + 1 + size));
    offset = newline + 1 + size + 1;
  }
  return files;
}

function workTree(dir: string, paths: Iterable<string>): Map<string, Buffer | null> {
  const out = new Map<string, Buffer | null>();
  for (const path of paths) out.set(path, existsSync(join(dir, path)) && lstatSync(join(dir, path)).isFile() ? readFileSync(join(dir, path)) : null);
  return out;
}

async function prettierFormat(path: string, source: Buffer): Promise<Buffer | null> {
  const prettier = (await import(`${ROOT}/node_modules/prettier/index.mjs`)) as { format(s: string, o: object): Promise<string> };
  try {
    return Buffer.from(await prettier.format(source.toString("utf8"), { filepath: path }));
  } catch {
    return null;
  }
}

describe("fixers on random repositories", () => {
  it(`keep every unstaged byte and commit the fixed staged content in ${REPOS} generated repos (seed ${SEED})`, { timeout: 1_800_000 }, async () => {
    const base = mkdtempSync(join(tmpdir(), "shipgate-fuzz-"));
    linkTools(base, ["prettier"]);
    let commits = 0;
    let refusals = 0;
    try {
      for (let n = 0; n < REPOS; n++) {
        const seed = SEED + n;
        const rng = seededRandom(seed);
        const dir = join(base, `r${n}`);
        mkdirSync(dir);
        git(dir, ["init", "-q", "-b", "main"]);
        writeFileSync(
          join(dir, ".git", "config"),
          readFileSync(join(dir, ".git", "config"), "utf8") + "[gc]\n\tauto = 0\n[commit]\n\tgpgSign = false\n[core]\n\tautocrlf = false\n",
        );
        // prettier's defaults, as the oracle below formats: these repositories have no prettier config of their own.
        writeFileSync(join(dir, ".shipgate.yml"), "policies:\n  prettier: { requireConfig: false }\n");
        writeFileSync(join(dir, ".gitignore"), "node_modules\n");
        spawnSync("ln", ["-s", join(base, "node_modules"), join(dir, "node_modules")]);
        const names = NAMES.filter(() => rng() < 0.6);
        const baseContent = new Map<string, Buffer>();
        for (const name of names) {
          baseContent.set(name, content(rng, name, false));
          put(dir, name, baseContent.get(name) as Buffer);
        }
        git(dir, ["add", "-A"]);
        git(dir, ["commit", "-q", "--no-verify", "-m", "chore: base"]);

        // Stage a random mix, then write unstaged edits on top of some staged files.
        const staged = new Map<string, Buffer | null>();
        const unstaged = new Map<string, Buffer>();
        for (const name of NAMES) {
          const exists = names.includes(name);
          const action = rng();
          if (exists && action < 0.15) {
            rmSync(join(dir, name));
            staged.set(name, null);
          } else if (exists && action < 0.25) {
            const target = `moved/${name.replace(/\n/g, "_")}`;
            mkdirSync(dirname(join(dir, target)), { recursive: true });
            renameSync(join(dir, name), join(dir, target));
            staged.set(name, null);
            staged.set(target, readFileSync(join(dir, target)));
          } else if (action < 0.75 && (exists || rng() < 0.5)) {
            const next = content(rng, name, true);
            put(dir, name, next);
            staged.set(name, next);
            if (rng() < 0.5) unstaged.set(name, withUnstaged(rng, next, name));
          } else if (exists && action < 0.85) {
            unstaged.set(name, withUnstaged(rng, readFileSync(join(dir, name)), name));
          }
        }
        git(dir, ["add", "-A"]);
        for (const [name, bytes] of unstaged) put(dir, name, bytes);

        const before = { index: snapshot(dir, "index"), wt: workTree(dir, [...staged.keys(), ...unstaged.keys()]) };
        const head = git(dir, ["rev-parse", "HEAD"]).trim();
        const logs: string[] = [];
        const outcome = await runPreCommit({ cwd: dir, env: gitEnv(), log: (l) => logs.push(l) });
        const context = `seed ${seed} (repo ${n}): ${logs.join(" | ")}`;

        const expected = new Map<string, Buffer | null>();
        let broken = false;
        for (const [path, bytes] of staged) {
          // Content equal to HEAD is no staged change at all, so there is nothing to fix in it.
          if (bytes === null || !/\.m?js$/.test(path) || baseContent.get(path)?.equals(bytes)) expected.set(path, bytes);
          else {
            const fixed = await prettierFormat(path, bytes);
            if (fixed === null) broken = true;
            expected.set(path, fixed ?? bytes);
          }
        }

        if (outcome.exitCode !== 0) {
          refusals++;
          expect(broken || logs.some((l) => l.includes("nothing is left to commit")), context).toBe(true);
          // A refused commit leaves the index and the work tree exactly as they were.
          expect(snapshot(dir, "index"), context).toEqual(before.index);
          expect(workTree(dir, before.wt.keys()), context).toEqual(before.wt);
          continue;
        }
        expect(broken, context).toBe(false);
        git(dir, ["commit", "-q", "--no-verify", "--allow-empty", "-m", "feat: change"]);
        commits++;
        const committed = snapshot(dir, "HEAD");
        for (const [path, bytes] of expected) {
          if (bytes === null) expect(committed.has(path), `${context}: ${path} should be gone`).toBe(false);
          else expect(committed.get(path)?.toString("latin1"), `${context}: committed ${JSON.stringify(path)}`).toBe(bytes.toString("latin1"));
        }
        for (const [path, bytes] of unstaged) {
          expect(readFileSync(join(dir, path)).toString("latin1"), `${context}: unstaged ${JSON.stringify(path)}`).toBe(bytes.toString("latin1"));
        }
        for (const [path, bytes] of expected) {
          if (bytes !== null && !unstaged.has(path))
            expect(readFileSync(join(dir, path)).toString("latin1"), `${context}: work tree ${JSON.stringify(path)}`).toBe(bytes.toString("latin1"));
        }
        expect(git(dir, ["stash", "list"]), context).toBe("");
        expect(git(dir, ["rev-parse", "HEAD~1"]).trim(), context).toBe(head);
        rmSync(dir, { recursive: true, force: true });
      }
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
    expect(commits + refusals).toBe(REPOS);
    expect(commits).toBeGreaterThan(REPOS / 2);
  });
});

function put(dir: string, path: string, bytes: Buffer): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), bytes);
}
