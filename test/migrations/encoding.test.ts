import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepo, tempDir, type TestRepo } from "@shipgate/test-utils";
import { runCli } from "./cli.js";
import { startPostgres, type PostgresServer } from "./helpers.js";

const INIT = "CREATE TABLE users (id bigint PRIMARY KEY, name text);\n";
/** A migration saved as Latin-1: "für" is the single byte 0xFC, which is not UTF-8. */
const LATIN1 = Buffer.concat([
  Buffer.from("SET lock_timeout = '2s';\nCOMMENT ON TABLE users IS 'Kunden f", "latin1"),
  Buffer.from([0xfc]),
  Buffer.from("r Bestellungen';\n"),
]);
const LATIN1_OFFSET = LATIN1.indexOf(0xfc);
const LATIN1_COLUMN = LATIN1_OFFSET - LATIN1.lastIndexOf(0x0a, LATIN1_OFFSET);
/** The same kind of migration saved as UTF-16 with a byte order mark, as some Windows editors do. */
const UTF16 = Buffer.from("\ufeffSET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN bio text;\n", "utf16le");

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(() => server?.stop());

function releasedApp(): TestRepo {
  const repo = createRepo({ files: { ".shipgate.yml": "migrations:\n  dirs: [migrations]\n", "migrations/001_init.sql": INIT }, message: "feat: users" });
  repo.git("tag", "v1.0");
  return repo;
}

interface Finding {
  message: string;
  path: string;
  line: number;
}

function findings(stdout: string): Finding[] {
  return (JSON.parse(stdout) as { findings: Finding[] }).findings;
}

describe("migrations whose bytes are not UTF-8", () => {
  it("are refused on PGlite and on PostgreSQL, where psql rejects the same file, with the byte offset and line", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "002.sql"), LATIN1);
    server.psql("CREATE DATABASE encoding_premise");
    const psql = spawnSync("psql", [server.url.replace(/\/postgres$/, "/encoding_premise"), "-v", "ON_ERROR_STOP=1", "-c", INIT, "-f", join(dir, "002.sql")], {
      encoding: "utf8",
    });
    expect(psql.stderr).toContain('invalid byte sequence for encoding "UTF8": 0xfc');
    expect(psql.status).not.toBe(0);

    const repo = releasedApp();
    repo.commit("feat: comment", { "migrations/002_comment.sql": LATIN1 });
    for (const database of [[], ["--database", server.url]]) {
      const result = await runCli(repo, ["gate", "--from", "v1.0", "--to", "HEAD", "--format", "json", ...database]);
      expect(findings(result.stdout)).toContainEqual(
        expect.objectContaining({
          path: "migrations/002_comment.sql",
          line: 2,
          message: expect.stringContaining(
            `[invalid-encoding] is not valid UTF-8: byte 0xFC at byte offset ${LATIN1_OFFSET} (line 2, column ${LATIN1_COLUMN})`,
          ),
        }),
      );
      expect(result.code).toBe(1);
    }
  });

  it("say a UTF-16 file is UTF-16, and the gate still checks the SQL in it", async () => {
    const repo = releasedApp();
    repo.commit("feat: bio", { "migrations/002_bio.sql": UTF16 });
    const result = await runCli(repo, ["migrations", "verify", "--from", "v1.0", "--to", "HEAD", "--format", "json"]);
    expect(findings(result.stdout).map((f) => `${f.path}:${f.line} ${f.message}`)).toEqual([
      expect.stringMatching(/^migrations\/002_bio\.sql:1 \[invalid-encoding\] is UTF-16 \(little-endian, with a byte order mark\), not UTF-8/),
    ]);
    expect(result.code).toBe(1);
  });

  it("are findings of the static lint of files too", async () => {
    const repo = createRepo({ files: { "latin1.sql": LATIN1, "utf16.sql": UTF16, "ok.sql": "-- é\nSELECT 1;\n" } });
    const result = await runCli(repo, ["migrations", "lint", "latin1.sql", "utf16.sql", "ok.sql"]);
    expect(result.stdout).toContain(`latin1.sql:2:${LATIN1_COLUMN}  error  [invalid-encoding] is not valid UTF-8: byte 0xFC at byte offset ${LATIN1_OFFSET}`);
    expect(result.stdout).toContain("utf16.sql:1:1  error  [invalid-encoding] is UTF-16 (little-endian, with a byte order mark), not UTF-8");
    expect(result.stdout).not.toContain("ok.sql");
    expect(result.code).toBe(1);
  });
});
