// Writes `hook.cjs.cache`, the V8 code cache of the hook's script (see bundle.mjs): runs the pre-receive checker as
// bin.js does over a small push in a throwaway bare repository, so that the functions a push calls are compiled too
// (V8 compiles a function on its first call, and the cache holds what is compiled when it is written), then
// serialises. Run by bundle.mjs as `node code-cache.mjs <script>`.
import { execFileSync } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { runCachedScript } from "../dist/code-cache.js";

const file = process.argv[2];
const dir = realpathSync(mkdtempSync(join(tmpdir(), "shipgate-hook-cache-")));
// The hook's own view of the world: no user or system git config, no inherited GIT_*, SHIPGATE_* or DEBUG.
const inherited = Object.entries(process.env).filter(([key]) => !/^(GIT_|SHIPGATE)/.test(key) && key !== "DEBUG");
const env = { ...Object.fromEntries(inherited), GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" };
const git = (cwd, ...args) => execFileSync("git", args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
try {
  const work = join(dir, "work");
  const bare = join(dir, "bare.git");
  git(dir, "init", "-q", "--initial-branch=main", work);
  git(dir, "init", "-q", "--bare", "--initial-branch=main", bare);
  for (let i = 0; i < 3; i++) {
    writeFileSync(join(work, `file${i}.ts`), `export const value = ${i}; // token = "placeholder"\n`);
    git(work, "add", "-A");
    git(work, "-c", "user.name=Code Cache", "-c", "user.email=cache@example.com", "commit", "-q", "-m", `feat(cache): change ${i}`);
  }
  // The objects as a push brings them, with no ref yet: every commit is new to the repository.
  git(work, "push", "-q", bare, "main:refs/cache/tip");
  git(bare, "update-ref", "-d", "refs/cache/tip");
  const tip = git(work, "rev-parse", "main");
  const config = join(dir, "server.yml");
  writeFileSync(
    config,
    "policies:\n  commit-message: error\n  forbidden-paths: error\n  file-size: { max: 1 MB }\n  secrets: error\n  protected-refs: error\n",
  );
  const args = ["pre-receive", "--flavor", "bare", "--config", config];
  const input = `${"0".repeat(40)} ${tip} refs/heads/main\n`;
  // A first run in a process of its own writes the config cache, as a repository's first push does; this one then
  // compiles what every later push runs, and no more: a larger cache takes longer to load.
  const bin = fileURLToPath(new URL("../bin.js", import.meta.url));
  execFileSync(process.execPath, [bin, ...args], { cwd: bare, env, input, stdio: ["pipe", "ignore", "ignore"] });
  const hook = runCachedScript(file, false);
  const io = { stdin: Readable.from([Buffer.from(input)]), stderr: { write: () => true }, env, cwd: bare };
  const code = await hook.exports.hookMain(args, io);
  if (code !== 0) throw new Error(`the training push was refused (exit ${code})`);
  writeFileSync(`${file}.cache`, hook.createCachedData());
} finally {
  rmSync(dir, { recursive: true, force: true });
}
