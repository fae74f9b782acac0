/**
 * An editor that keeps saving files while a hook rewrites them, and the bookkeeping that proves no saved byte was
 * lost. Plain JavaScript so that both the test suite and `bench/fixer-soak.mjs` (plain Node) can use it.
 *
 * Each save is one of the ways real editors and tools write: an append (format-on-save adding a line, `>>`), a
 * rewrite in place (truncate and write, as VS Code does), a truncation to nothing, and an atomic save (write a
 * temporary file, rename it over the original, as JetBrains IDEs and vim with `backupcopy=no` do). Every save
 * writes bytes that appear nowhere else, so the final content tells which saves survived.
 */
import { appendFile, rename, truncate, writeFile } from "node:fs/promises";
import { readdirSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";

/** A seeded pseudo-random generator (mulberry32): the same numbers in [0, 1) for the same seed, on every platform. */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** True once a pre-commit run of shipgate has made its scratch directory in `gitDir` (it is about to write). */
export function fixerStarted(gitDir) {
  return readdirSync(gitDir).some((name) => name.startsWith("shipgate-fix-"));
}

/**
 * Starts saving random files among `paths` (relative to `dir`) once `startWhen()` is true, until `stop()` is called;
 * `stop()` resolves to the journal of every save, for `checkEdits`.
 */
export function startEditing({ dir, paths, seed, startWhen = () => true }) {
  const random = seededRandom(seed);
  const journal = new Map();
  let stopped = false;
  let count = 0;
  const loop = (async () => {
    while (!stopped && !startWhen()) await pause(0);
    while (!stopped) {
      const path = paths[Math.floor(random() * paths.length)];
      const entry = journal.get(path) ?? { reset: null, appended: [], saves: 0 };
      journal.set(path, entry);
      const marker = `// saved by the editor ${seed}-${count++}\n`;
      const op = random();
      const file = join(dir, path);
      if (op < 0.55) {
        await appendFile(file, marker);
        entry.appended.push(marker);
      } else if (op < 0.7) {
        const content = `${marker}export const rewritten${count} = ${count};\n`;
        await writeFile(file, content);
        entry.reset = content;
        entry.appended = [];
      } else if (op < 0.8) {
        await truncate(file, 0);
        entry.reset = "";
        entry.appended = [];
      } else {
        const content = `${marker}export const replaced${count} = ${count};\n`;
        const temp = join(dir, `.editor-save-${seed}-${count}`);
        await writeFile(temp, content);
        await rename(temp, file);
        entry.reset = content;
        entry.appended = [];
      }
      entry.saves++;
      if (random() < 0.5) await pause(random() < 0.8 ? 0 : 1);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return journal;
    },
  };
}

/**
 * Compares each edited file's final bytes with what its saves allow: without a reset (rewrite, truncation, atomic
 * save), the staged or the fixed content followed by every appended line; after a reset, the reset content
 * followed by the lines appended since. `read(path)`, `staged(path)`, `fixed(path)` give bytes as Buffers.
 * Returns the number of files, saves, bytes saved and bytes lost, and the files whose content is not allowed.
 */
export function checkEdits(journal, { read, staged, fixed }) {
  const result = { files: journal.size, saves: 0, bytesSaved: 0, bytesLost: 0, wrong: [] };
  for (const [path, entry] of journal) {
    result.saves += entry.saves;
    const tail = Buffer.from((entry.reset ?? "") + entry.appended.join(""));
    result.bytesSaved += tail.length;
    const final = read(path);
    const allowed = entry.reset !== null ? [tail] : [Buffer.concat([staged(path), tail]), Buffer.concat([fixed(path), tail])];
    if (allowed.some((content) => content.equals(final))) continue;
    const lost = tail.length - commonSuffix(final, tail);
    result.bytesLost += lost;
    result.wrong.push({ path, lost, final: final.toString("utf8").slice(-400), expectedTail: tail.toString("utf8").slice(-400) });
  }
  return result;
}

/** The objects named by `specs` (`HEAD:path`, `:path`), read with one `git cat-file --batch` in `dir`: what a commit holds. */
export function readBlobs(dir, env, specs) {
  const out = execFileSync("git", ["cat-file", "--batch"], { cwd: dir, env, input: specs.join("\n") + "\n", maxBuffer: 1 << 30 });
  const result = new Map();
  let offset = 0;
  for (const spec of specs) {
    const newline = out.indexOf(10, offset);
    const size = Number(out.subarray(offset, newline).toString().split(" ")[2]);
    result.set(spec, out.subarray(newline + 1, newline + 1 + size));
    offset = newline + 1 + size + 1;
  }
  return result;
}

function commonSuffix(a, b) {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}

function pause(ms) {
  return new Promise((resolve) => (ms === 0 ? setImmediate(resolve) : setTimeout(resolve, ms)));
}
