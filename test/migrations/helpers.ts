/** Shared pieces of the migration end-to-end tests: the CLI in-process, and a real PostgreSQL server run as `postgres`. */
import { spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "shipgate";
import { createRepo, type TestRepo } from "@shipgate/test-utils";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `shipgate <argv>` in the repository, in this process, the way bin.js does. */
export async function shipgate(repo: TestRepo, argv: string[], env: Record<string, string> = {}): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const io = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: process.stdin,
    env: { ...repo.env, ...env },
    cwd: repo.dir,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

export interface PostgresServer {
  url: string;
  /** Runs SQL through psql and returns its unaligned output. */
  psql(sql: string): string;
  stop(): void;
}

/** Starts a throw-away PostgreSQL server on 127.0.0.1 and a free port, as the `postgres` user when running as root. */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBin();
  const root = mkdtempSync(join(tmpdir(), "shipgate-pg-"));
  const data = join(root, "data");
  const asUser = process.getuid?.() === 0 ? postgresIds() : null;
  if (asUser) chownSync(root, asUser.uid, asUser.gid);
  const run = (file: string, args: string[]) => {
    const result = spawnSync(join(bin, file), args, { cwd: root, encoding: "utf8", ...(asUser ?? {}), env: { ...process.env, LC_ALL: "C" } });
    if (result.status !== 0) throw new Error(`${file} failed (${result.status}): ${result.stderr}${result.stdout}`);
  };
  run("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
  const port = await freePort();
  run("pg_ctl", [
    "-D",
    data,
    "-l",
    join(root, "log"),
    "-w",
    "-o",
    `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`,
    "start",
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    psql: (sql) => {
      const result = spawnSync(join(bin, "psql"), ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql], {
        encoding: "utf8",
      });
      if (result.status !== 0) throw new Error(`psql failed: ${result.stderr}`);
      return result.stdout.trim();
    },
    stop: () => {
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}

function postgresBin(): string {
  const base = "/usr/lib/postgresql";
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((v) => join(base, v, "bin")).find((dir) => existsSync(join(dir, "initdb")));
  if (!found) throw new Error("PostgreSQL server binaries not found under /usr/lib/postgresql (install Debian's postgresql package; .ci/run does)");
  return found;
}

function postgresIds(): { uid: number; gid: number } {
  const id = (flag: string) => Number(spawnSync("id", [flag, "postgres"], { encoding: "utf8" }).stdout.trim());
  const uid = id("-u");
  const gid = id("-g");
  if (!Number.isInteger(uid) || uid <= 0) throw new Error("running as root needs a `postgres` user to run the server (Debian's postgresql package creates it)");
  return { uid, gid };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** v1.0 ships an orders table, the query it prepares, and its own smoke test that runs psql against DATABASE_URL. */
export function releasedShop(): TestRepo {
  const repo = createRepo({
    files: {
      ".shipgate.yml": 'migrations:\n  dirs: [db/migrations]\n  queries: ["app/**/*.sql"]\n  test:\n    command: sh test/smoke.sh\n    timeout: 60\n',
      "db/migrations/20240101000000_orders.sql":
        "-- migrate:up\nCREATE TABLE orders (id bigserial PRIMARY KEY, total numeric(10,2) NOT NULL, status text NOT NULL DEFAULT 'new');\n\n-- migrate:down\nDROP TABLE orders;\n",
      "app/orders.sql": "-- name: open_orders\nSELECT id, total FROM orders WHERE status = 'new';\n",
      "test/smoke.sh": `set -e\npsql "$DATABASE_URL" -v ON_ERROR_STOP=1 -q -c "INSERT INTO orders (total) VALUES (9.99)" -c "SELECT status FROM orders"\n`,
    },
  });
  repo.git("tag", "v1.0");
  return repo;
}
