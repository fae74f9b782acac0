// Writes `cli.cjs.cache`, the V8 code cache of the CLI's script (see bundle.mjs): compiles the script as bin.cjs does,
// runs what every commit runs (the pre-commit and commit-msg hooks, with no lint work, in a throwaway repository), so
// that the functions those call are compiled too (V8 compiles a function on its first call, and the cache
// holds what is compiled when it is written), then serialises. Run by bundle.mjs as `node code-cache-cli.mjs <script>`.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { compileScript, runScript } from "../dist/code-cache.js";

const file = process.argv[2];
const script = compileScript(file, readFileSync(file, "utf8"));

const dir = realpathSync(mkdtempSync(join(tmpdir(), "shipgate-code-cache-")));
const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("GIT_") && !key.startsWith("SHIPGATE") && key !== "DEBUG")),
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_AUTHOR_NAME: "Code Cache",
  GIT_AUTHOR_EMAIL: "cache@example.com",
  GIT_COMMITTER_NAME: "Code Cache",
  GIT_COMMITTER_EMAIL: "cache@example.com",
};
const git = (...args) => execFileSync("git", args, { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
const sink = { write: () => true, isTTY: false };
const io = { stdout: sink, stderr: sink, stdin: process.stdin, env, cwd: dir };
try {
  git("init", "-q", "--initial-branch=main");
  // The policies a commit with no lint work runs: eslint's and prettier's code waits for its first call, which costs
  // little next to loading eslint, while caching it would slow every commit's start.
  writeFileSync(join(dir, ".shipgate.yml"), "extends: recommended\npolicies:\n  eslint: off\n  prettier: off\n");
  writeFileSync(join(dir, "README.md"), "# A project\n");
  git("add", "-A");
  git("commit", "-q", "--no-verify", "-m", "chore: start");
  writeFileSync(join(dir, "notes.txt"), "first line\nsecond line, with a key=value\n");
  git("add", "notes.txt");
  writeFileSync(join(dir, "MESSAGE"), "feat(notes): write the notes down\n\nWhy they matter.\n# a comment\n");
  // A first run in a process of its own writes the config cache, as the first commit of a repository does; this one
  // then compiles what every later commit runs, and no more: a larger cache takes longer to load.
  execFileSync(process.execPath, [join(dirname(file), "..", "..", "bin.cjs"), "run", "pre-commit"], { cwd: dir, env, stdio: "ignore" });
  const { main } = runScript(script, file);
  await main(["run", "pre-commit"], io);
  await main(["run", "commit-msg", "MESSAGE"], io);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
writeFileSync(`${file}.cache`, script.createCachedData());
