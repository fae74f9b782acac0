/** The `shipgate` command line as users meet it: the built bin.js, spawned, its output piped or read to the end. */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createRepo, gitEnv, shipgate, SHIPGATE_BIN, tempDir, writeTree } from "@shipgate/test-utils";

const SCHEMA = fileURLToPath(new URL("../schema.json", import.meta.url));
/** A path as the CLI prints it: from the working directory when that is shorter. */
const shortest = (cwd: string, path: string) => (relative(cwd, path).length < path.length ? relative(cwd, path) : path);
const version = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;

/** Runs `shipgate <args> | <reader>` in bash with pipefail: the exit code is shipgate's unless the reader fails. */
function piped(args: string, reader: string, cwd: string): { code: number; stderr: string } {
  const command = `"${process.execPath}" "${SHIPGATE_BIN}" ${args} | ${reader} > /dev/null`;
  const result = spawnSync("bash", ["-o", "pipefail", "-c", command], { cwd, env: gitEnv(), encoding: "utf8" });
  return { code: result.status ?? -1, stderr: result.stderr };
}

/** The command names `shipgate --help` lists. */
function listedCommands(): string[] {
  const help = shipgate(["--help"], { cwd: tempDir() }).stdout;
  const section = help.split("Commands:\n")[1]?.split("\n\n")[0] ?? "";
  return section.split("\n").map((line) => line.trim().split(/\s+/)[0] ?? "");
}

describe("the shipgate command", () => {
  it("prints its version for --version and -v", () => {
    for (const flag of ["--version", "-v"]) {
      const result = shipgate([flag], { cwd: tempDir() });
      expect(result.stderr).toBe("");
      expect(result.stdout).toBe(`${version}\n`);
      expect(result.code).toBe(0);
    }
  });

  it("answers --help and -h on every command and subcommand with its usage and options, exit 0, doing nothing else", () => {
    const dir = tempDir();
    const commands = listedCommands();
    expect(commands).toEqual(expect.arrayContaining(["init", "run", "check", "demo", "policies", "gate", "migrations", "server"]));
    const invocations = [
      ...commands.map((name) => [name]),
      ["migrations", "lint"],
      ["migrations", "verify"],
      ["migrations", "rules"],
      ["server", "install"],
      ["server", "uninstall"],
      ["server", "pre-receive"],
    ];
    for (const words of invocations) {
      for (const flag of ["--help", "-h"]) {
        const result = shipgate([...words, flag], { cwd: dir });
        const label = `shipgate ${words.join(" ")} ${flag}: ${result.stderr}`;
        expect(result.code, label).toBe(0);
        expect(result.stderr, label).toBe("");
        // A plugin's usage may list all its subcommands (server's does): each is named in it.
        expect(result.stdout, label).toMatch(/^Usage: /);
        expect(result.stdout, label).toContain(`shipgate ${words.join(" ")}`);
      }
    }
    const check = shipgate(["check", "--help"], { cwd: dir }).stdout;
    expect(check).toMatch(/^ {6}--range <A\.\.B> +the commits in A\.\.B/m);
    expect(check).toMatch(/^ {6}--format <text\|json\|sarif\|junit\|github> +how to print the report \(default: text\)$/m);
    expect(check).toMatch(/^ {2}-h, --help +show this help$/m);
    expect(shipgate(["server", "install", "-h"], { cwd: dir }).stdout).toMatch(/^ {6}--flavor <value> +\(default: bare\)$/m);
    expect(shipgate(["help", "gate"], { cwd: dir }).stdout).toMatch(/^Usage: shipgate gate --from/);
    expect(shipgate(["migrations", "--help"], { cwd: dir }).stdout).toMatch(/^Subcommands:\n {2}lint {4}lint SQL files/m);
  });

  it("suggests the nearest command, subcommand and option for a typo, with exit code 2", () => {
    const dir = tempDir();
    const cases: [string[], string][] = [
      [["chek"], 'shipgate: unknown command "chek" (did you mean check?)'],
      [["--verison"], 'shipgate: unknown command "--verison" (did you mean --version?)'],
      [["check", "--fromat", "json"], "shipgate: unknown option --fromat (did you mean --format?)"],
      [["migrations", "lnt"], 'shipgate: unknown subcommand "lnt" (did you mean lint?)'],
      [["init", "--prest", "strict"], "shipgate: unknown option --prest (did you mean --preset?)"],
    ];
    for (const [args, line] of cases) {
      const result = shipgate(args, { cwd: dir });
      expect(result.stderr.split("\n")[0], args.join(" ")).toBe(line);
      expect(result.code, args.join(" ")).toBe(2);
    }
    expect(shipgate(["frobnicate"], { cwd: dir }).stderr.split("\n")[0]).toBe('shipgate: unknown command "frobnicate"');
  });

  it("ends quietly with the verdict's exit code when the reader of its output goes away (| head)", () => {
    const repo = createRepo({ files: Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`config/.env.${i}`, "A=1\n"])) });
    for (let i = 0; i < 3; i++) {
      // 1500 findings are far more than a pipe holds: head is gone long before shipgate has written them.
      const json = piped("check --all --format json", "head -c 100", repo.dir);
      expect(json.stderr).toBe("");
      expect(json.code).toBe(1);
      const text = piped("check --all", "head -n 1", repo.dir);
      expect(text.stderr).toBe("");
      expect(text.code).toBe(1);
    }
    const dir = tempDir();
    const columns = Array.from({ length: 300 }, (_, i) => `c${i}`).join(", ");
    const files = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`m${i}.sql`, `CREATE INDEX i${i} ON t (${columns});\n`]));
    writeTree(dir, files);
    const passing = piped(`migrations lint --format json ${Object.keys(files).join(" ")}`, "head -c 10", dir);
    expect(passing.stderr).toBe("");
    expect(passing.code).toBe(0);
  });

  it("calls a range that names no commit, a missing SQL file and a directory usage errors, in one line and a hint", () => {
    const repo = createRepo({ files: { "a.txt": "a\n" }, message: "chore: a" });
    writeTree(repo.dir, { "db/001.sql": "SELECT 1;\n" });
    const cases: [string[], string][] = [
      [["check", "--range", "nope..HEAD"], 'shipgate: --range: "nope" does not name a commit here'],
      [["check", "--range", "HEAD..nope"], 'shipgate: --range: "nope" does not name a commit here'],
      [["migrations", "lint", "missing.sql"], "shipgate: cannot lint missing.sql: no such file"],
      [["migrations", "lint", "db"], "shipgate: cannot lint db: it is a directory"],
    ];
    for (const [args, line] of cases) {
      const result = shipgate(args, { cwd: repo.dir });
      const lines = result.stderr.trimEnd().split("\n");
      expect(lines[0], args.join(" ")).toBe(line);
      expect(lines, args.join(" ")).toHaveLength(2);
      expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
      expect(result.code, args.join(" ")).toBe(2);
    }
  });

  it("prints each config problem once, in shipgate's words, with the nearest key and the installed schema.json", () => {
    const repo = createRepo({
      files: { ".shipgate.yml": 'policies:\n  secretz: error\n  forbidden-paths:\n    patterns: "test/**"\n', "a.txt": "a\n" },
      message: "chore: a",
    });
    const result = shipgate(["check", "--all"], { cwd: repo.dir });
    expect(result.code).toBe(2);
    const expected = [
      `shipgate: ${repo.dir}/.shipgate.yml is not a valid shipgate config: policies.forbidden-paths.patterns: expected a list, got the single value "test/**": write ["test/**"]`,
      "  policies.secretz: unknown key (did you mean secrets?)",
      // The schema.json of the shipgate that ran (here the workspace's), a file that exists.
      `  Fix it in your config; ${shortest(repo.dir, SCHEMA)} lists every key and type (editors read it through $schema).`,
      "",
    ];
    expect(result.stderr).toBe(expected.join("\n"));
    expect(existsSync(SCHEMA)).toBe(true);
  });

  it("names file sizes in the unit the config gives the limit in", () => {
    const repo = createRepo({ files: { ".shipgate.yml": "policies:\n  file-size: { max: 2 MB, overrides: { '*.bin': 300 KiB } }\n" }, message: "chore: a" });
    writeTree(repo.dir, { "big.dat": Buffer.alloc(2_400_000, 1), "small.bin": Buffer.alloc(310_000, 1) });
    repo.git("add", "-A");
    const result = shipgate(["check", "--staged"], { cwd: repo.dir });
    expect(result.stdout).toContain("big.dat is 2.4 MB, over the 2 MB limit");
    expect(result.stdout).toContain("small.bin is 302.7 KiB, over the 300 KiB limit for *.bin");
    expect(result.code).toBe(1);
  });
});
