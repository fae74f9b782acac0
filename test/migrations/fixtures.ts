/** A released project for the cache tests: three migrations and a query at v1, then a release whose rename breaks the query. */
import { createRepo, gitEnv, shipgate, type TestRepo } from "@shipgate/test-utils";

export function releasedAccounts(): TestRepo {
  const repo = createRepo({
    files: {
      ".shipgate.yml": "migrations:\n  dirs: [db/migrations]\n  queries: [app/queries.sql]\n",
      "db/migrations/001_accounts.up.sql": "CREATE TABLE accounts (id bigserial PRIMARY KEY, email text NOT NULL, status text NOT NULL DEFAULT 'new');\n",
      "db/migrations/001_accounts.down.sql": "DROP TABLE accounts;\n",
      "db/migrations/002_orders.up.sql": "CREATE TABLE orders (id bigserial PRIMARY KEY, account_id bigint REFERENCES accounts (id), total numeric(10,2));\n",
      "db/migrations/002_orders.down.sql": "DROP TABLE orders;\n",
      "db/migrations/003_seed.up.sql": "INSERT INTO accounts (email) VALUES ('a@example.com');\n",
      "db/migrations/003_seed.down.sql": "DELETE FROM accounts;\n",
      "app/queries.sql": "-- name: open_accounts\nSELECT id, email FROM accounts WHERE status = 'new';\n",
    },
  });
  repo.git("tag", "v1");
  // Only the dynamic check sees this break: the rename runs inside a DO block.
  repo.commit("feat: state", {
    "db/migrations/004_state.up.sql": "SET lock_timeout = '2s';\nDO $$ BEGIN EXECUTE 'ALTER TABLE accounts RENAME COLUMN status TO state'; END $$;\n",
    "db/migrations/004_state.down.sql": "ALTER TABLE accounts RENAME COLUMN state TO status;\n",
  });
  return repo;
}

export interface Verdict {
  code: number;
  findings: string[];
  /** The `shipgate:cache` debug lines. */
  debug: string;
}

/** `shipgate migrations verify --from <from> --to HEAD` as a process, with the cache's debug lines. */
export function verifyRange(repo: TestRepo, from: string, env: Record<string, string> = {}, database?: string): Verdict {
  const args = ["migrations", "verify", "--from", from, "--to", "HEAD", "--format", "json", ...(database ? ["--database", database] : [])];
  const result = shipgate(args, { cwd: repo.dir, env: gitEnv({ DEBUG: "shipgate:cache", ...env }) });
  let findings: string[];
  try {
    findings = (JSON.parse(result.stdout) as { findings: { path?: string; line?: number; message: string }[] }).findings.map(
      (f) => `${f.path ?? ""}:${f.line ?? 0} ${f.message}`,
    );
  } catch {
    throw new Error(`no JSON report (exit ${result.code}): ${result.stderr}`);
  }
  return {
    code: result.code,
    findings,
    debug: result.stderr
      .split("\n")
      .filter((l) => l.startsWith("shipgate:cache"))
      .join("\n"),
  };
}
