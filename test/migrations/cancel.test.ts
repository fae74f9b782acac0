import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepo, tempDir, type TestRepo } from "@shipgate/test-utils";
import { ownerTag } from "../../packages/migrations/src/dynamic/owner.js";
import { processRuns, runCli, startCli, waitForFile } from "./cli.js";
import { startPostgres, type PostgresServer } from "./helpers.js";

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(() => server?.stop());

/**
 * The previous release's tests: with SHIPGATE_TEST_BLOCK set they start a child in their process group, say where they
 * run (pids, directory, database) in $SHIPGATE_TEST_MARKS, and wait for it; otherwise they pass at once.
 */
const SLOW_TESTS = `[ -n "$SHIPGATE_TEST_BLOCK" ] || exit 0
sleep 300 &
echo $! > "$SHIPGATE_TEST_MARKS/child.pid"
echo $$ > "$SHIPGATE_TEST_MARKS/shell.pid"
pwd > "$SHIPGATE_TEST_MARKS/cwd"
echo "$DATABASE_URL" > "$SHIPGATE_TEST_MARKS/url"
: > "$SHIPGATE_TEST_MARKS/ready"
wait
`;

function releaseWithSlowTests(): TestRepo {
  const repo = createRepo({
    files: {
      ".shipgate.yml": "migrations:\n  dirs: [db]\n  test:\n    command: sh test/slow.sh\n    timeout: 600\n",
      "db/001_orders.sql": "CREATE TABLE orders (id bigint PRIMARY KEY);\n",
      "test/slow.sh": SLOW_TESTS,
    },
    message: "feat: orders",
  });
  repo.git("tag", "v1.0");
  repo.commit("feat: note", { "db/002_note.sql": "SET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN note text;\n" });
  return repo;
}

interface Run {
  marks: string;
  tmp: string;
  env: Record<string, string>;
}

function runDirs(): Run {
  const marks = tempDir("shipgate-marks-");
  const tmp = tempDir("shipgate-tmp-");
  return { marks, tmp, env: { SHIPGATE_TEST_MARKS: marks, SHIPGATE_TEST_BLOCK: "1", TMPDIR: tmp } };
}

function verifyDatabases(): string[] {
  return server
    .psql("SELECT datname FROM pg_database WHERE datname LIKE 'shipgate\\_verify\\_%' ORDER BY 1")
    .split("\n")
    .filter((name) => name !== "");
}

function worktrees(repo: TestRepo): string[] {
  return repo
    .git("worktree", "list", "--porcelain")
    .split("\n")
    .filter((line) => line.startsWith("worktree "));
}

function text(path: string): string {
  return readFileSync(path, "utf8").trim();
}

function pidIn(marks: string, name: string): number {
  return Number(text(join(marks, name)));
}

describe("a gate or verify stopped by a signal", () => {
  for (const [signal, code, argv] of [
    ["SIGINT", 130, ["gate", "--from", "v1.0", "--to", "HEAD"]],
    ["SIGTERM", 143, ["migrations", "verify", "--from", "v1.0", "--to", "HEAD"]],
  ] as const) {
    it(`stops the old release's tests, removes the worktree and drops the database on ${signal}, then exits ${code}`, async () => {
      const repo = releaseWithSlowTests();
      const run = runDirs();
      const cli = startCli(repo, [...argv, "--database", server.url], run.env);
      await waitForFile(join(run.marks, "ready"), cli);
      const [shell, child] = [pidIn(run.marks, "shell.pid"), pidIn(run.marks, "child.pid")];
      const worktree = text(join(run.marks, "cwd"));
      const database = new URL(text(join(run.marks, "url"))).pathname.slice(1);
      expect(verifyDatabases()).toEqual([database]);
      expect(worktrees(repo)).toHaveLength(2);

      cli.child.kill(signal);
      const result = await cli.exited;
      expect(result.stderr).toContain(`cancelled by ${signal}`);
      expect(result.code).toBe(code);
      expect(worktrees(repo)).toEqual([`worktree ${repo.dir}`]);
      expect(existsSync(dirname(worktree))).toBe(false);
      expect(readdirSync(run.tmp)).toEqual([]);
      expect(processRuns(shell)).toBe(false);
      expect(processRuns(child)).toBe(false);
      expect(verifyDatabases()).toEqual([]);
    });
  }

  it("on PGlite, stops the old release's tests and removes the worktree on SIGINT", async () => {
    const repo = releaseWithSlowTests();
    const run = runDirs();
    const cli = startCli(repo, ["gate", "--from", "v1.0", "--to", "HEAD"], run.env);
    await waitForFile(join(run.marks, "ready"), cli);
    const [shell, child] = [pidIn(run.marks, "shell.pid"), pidIn(run.marks, "child.pid")];
    cli.child.kill("SIGINT");
    const result = await cli.exited;
    expect(result.code).toBe(130);
    expect(worktrees(repo)).toEqual([`worktree ${repo.dir}`]);
    expect(readdirSync(run.tmp)).toEqual([]);
    expect(processRuns(shell)).toBe(false);
    expect(processRuns(child)).toBe(false);
  });
});

describe("a gate killed with -9", () => {
  it("leaves what the next run removes: the worktree, its temp dir, the old tests' processes and the database, and only those", async () => {
    const repo = releaseWithSlowTests();
    const run = runDirs();
    const cli = startCli(repo, ["gate", "--from", "v1.0", "--to", "HEAD", "--database", server.url], run.env);
    await waitForFile(join(run.marks, "ready"), cli);
    const [shell, child] = [pidIn(run.marks, "shell.pid"), pidIn(run.marks, "child.pid")];
    const worktree = text(join(run.marks, "cwd"));
    const database = new URL(text(join(run.marks, "url"))).pathname.slice(1);
    cli.child.kill("SIGKILL");
    expect((await cli.exited).signal).toBe("SIGKILL");
    // What a killed run leaves behind, before the fix as after it.
    expect(worktrees(repo)).toHaveLength(2);
    expect(existsSync(worktree)).toBe(true);
    expect(processRuns(child)).toBe(true);
    expect(verifyDatabases()).toEqual([database]);
    // As if the kill came between the tests' start and the marker naming their process group.
    const marker = join(dirname(worktree), "shipgate-run.json");
    writeFileSync(marker, JSON.stringify({ ...(JSON.parse(text(marker)) as object), tests: undefined }));

    // Lookalikes that are not a dead run's: this test process is alive, another machine's run cannot be judged from
    // here, and an older shipgate's name says nothing about its owner.
    const alive = `shipgate_verify_${ownerTag()}_live`;
    const elsewhere = "shipgate_verify_0badc0de_4242_1_elsewhere";
    const unnamed = "shipgate_verify_0123456789ab";
    for (const name of [alive, elsewhere, unnamed]) server.psql(`CREATE DATABASE ${name}`);
    const liveDir = join(run.tmp, `shipgate-old-release-${ownerTag()}-live`);
    mkdirSync(liveDir);

    const next = await runCli(repo, ["gate", "--from", "v1.0", "--to", "HEAD", "--database", server.url], { ...run.env, SHIPGATE_TEST_BLOCK: "" });
    expect(next.code).toBe(0);
    expect(next.stderr).toContain(`removed database ${database}`);
    expect(worktrees(repo)).toEqual([`worktree ${repo.dir}`]);
    expect(existsSync(dirname(worktree))).toBe(false);
    expect(processRuns(shell)).toBe(false);
    expect(processRuns(child)).toBe(false);
    expect(verifyDatabases()).toEqual([alive, elsewhere, unnamed].sort());
    expect(readdirSync(run.tmp)).toEqual([`shipgate-old-release-${ownerTag()}-live`]);
    for (const name of [alive, elsewhere, unnamed]) server.psql(`DROP DATABASE ${name}`);
  });
});
