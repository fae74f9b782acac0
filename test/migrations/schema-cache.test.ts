/** The previous release's schema cached as PGlite's data directory in the git dir: used only when it is sound. */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import type { TestRepo } from "@shipgate/test-utils";
import { releasedAccounts, verifyRange, type Verdict } from "./fixtures.js";

let repo: TestRepo;
let cold: Verdict;
const schemaDir = () => join(repo.dir, ".git", "shipgate", "cache", "schema");
const entries = () => readdirSync(schemaDir()).filter((n) => n.endsWith(".pglite"));

beforeAll(() => {
  repo = releasedAccounts();
  cold = verifyRange(repo, "v1");
}, 180_000);

describe("the schema cache on PGlite", () => {
  it("copies the previous schema from the cache on a warm run and gives the cold run's verdict", () => {
    expect(cold.code).toBe(1);
    expect(cold.findings).toEqual([expect.stringMatching(/^db\/migrations\/004_state\.up\.sql:2 \[old-query-broken\] old query open_accounts/)]);
    expect(cold.debug).toMatch(/stored the schema [0-9a-f]{12}/);
    expect(entries()).toHaveLength(1);
    const warm = verifyRange(repo, "v1");
    expect(warm.debug).toMatch(/previous schema from the cache \(3 migrations, key [0-9a-f]{12}\)/);
    expect(warm.debug).not.toMatch(/stored the schema/);
    expect({ code: warm.code, findings: warm.findings }).toEqual({ code: cold.code, findings: cold.findings });
  }, 180_000);

  it("ignores a truncated, altered or foreign copy, says so in debug, rebuilds it and gives the same verdict", () => {
    const file = join(schemaDir(), entries()[0] ?? "");
    const damage: [string, (bytes: Buffer) => Buffer, RegExp][] = [
      ["truncated", (b) => b.subarray(0, b.length - 4096), /payload bytes where the header says/],
      ["flipped byte", (b) => flip(b, b.length - 5000), /checksum mismatch/],
      ["other version", (b) => Buffer.from(b.toString("latin1").replace('"kind":"pglite-schema-1"', '"kind":"pglite-schema-0"'), "latin1"), /another version/],
    ];
    for (const [what, change, reason] of damage) {
      writeFileSync(file, change(readFileSync(file)));
      const run = verifyRange(repo, "v1");
      expect(run.debug, what).toMatch(new RegExp(`ignored the cached schema [0-9a-f]{12}: .*${reason.source}.*; it is rebuilt`));
      expect(run.debug, what).toMatch(/stored the schema/);
      expect({ code: run.code, findings: run.findings }, what).toEqual({ code: cold.code, findings: cold.findings });
    }
    expect(verifyRange(repo, "v1").debug).toMatch(/previous schema from the cache/);
  }, 600_000);

  it("misses when an old migration's file changed, and keeps the other copy", () => {
    repo.commit("fix: orders", {
      "db/migrations/002_orders.up.sql": "CREATE TABLE orders (id bigserial PRIMARY KEY, account_id bigint REFERENCES accounts (id), total numeric(12,2));\n",
    });
    repo.git("tag", "v1b");
    repo.commit("feat: note", {
      "db/migrations/005_note.up.sql": "ALTER TABLE orders ADD COLUMN note text;\n",
      "db/migrations/005_note.down.sql": "ALTER TABLE orders DROP COLUMN note;\n",
    });
    const before = entries();
    const run = verifyRange(repo, "v1b");
    expect(run.debug).not.toMatch(/from the cache/);
    expect(run.debug).toMatch(/stored the schema/);
    expect(run.code).toBe(0);
    expect(entries()).toEqual(expect.arrayContaining(before));
    expect(entries()).toHaveLength(before.length + 1);
  }, 300_000);

  it("ignores a sound copy of another schema stored under a key, by its catalog, and gives the uncached verdict", () => {
    // Two copies now: v1's and v1b's (another orders table). v1's file gets v1b's data directory, with a valid checksum.
    const [v1b, v1] = [verifyRange(repo, "v1b").debug, verifyRange(repo, "v1").debug].map(
      (d) => /from the cache \(\d+ migrations, key ([0-9a-f]{12})\)/.exec(d)?.[1],
    );
    const file = (key: string | undefined) => join(schemaDir(), entries().find((n) => key !== undefined && n.startsWith(key)) ?? "missing");
    const other = readFileSync(file(v1b));
    const own = readFileSync(file(v1));
    const header = (bytes: Buffer) => JSON.parse(bytes.toString("utf8", 17, bytes.indexOf(10, 17))) as Record<string, unknown>;
    const payload = other.subarray(other.indexOf(10, 17) + 1);
    const line = JSON.stringify({ ...header(own), bytes: payload.length, crc32: crc32(payload) });
    writeFileSync(file(v1), Buffer.concat([Buffer.from(`shipgate-cache 1\n${line}\n`), payload]));

    const run = verifyRange(repo, "v1");
    expect(run.debug).toMatch(/ignored the cached schema [0-9a-f]{12}: its catalog differs from the one stored with it; it is rebuilt/);
    expect(run.debug).toMatch(/stored the schema/);
    const uncached = verifyRange(repo, "v1", { SHIPGATE_CACHE: "off" });
    expect({ code: run.code, findings: run.findings }).toEqual({ code: uncached.code, findings: uncached.findings });
    const warm = verifyRange(repo, "v1");
    expect(warm.debug).toMatch(/previous schema from the cache/);
    expect({ code: warm.code, findings: warm.findings }).toEqual({ code: uncached.code, findings: uncached.findings });
  }, 300_000);

  it("builds a later release's schema from the cached copy of an earlier one, and evicts beyond the size bound", () => {
    repo.git("tag", "v2");
    repo.commit("feat: tags", { "db/migrations/006_tags.up.sql": "CREATE TABLE tags (id int);\n", "db/migrations/006_tags.down.sql": "DROP TABLE tags;\n" });
    const largest = Math.max(...entries().map((n) => statSync(join(schemaDir(), n)).size));
    const before = entries();
    // Room for one copy: the new one stays, every older one goes.
    const run = verifyRange(repo, "v2", { SHIPGATE_CACHE_MAX_MB: String((largest * 1.5) / (1024 * 1024)) });
    expect(run.debug).toMatch(/previous schema: 4 of 5 migrations from the cache/);
    expect(run.debug).toMatch(/evicted/);
    expect(run.code).toBe(0);
    expect(entries()).toHaveLength(1);
    expect(before).not.toContain(entries()[0]);
  }, 300_000);

  it("keeps nothing when SHIPGATE_CACHE=off", () => {
    const run = verifyRange(repo, "v2", { SHIPGATE_CACHE: "off" });
    expect(run.debug).toBe("");
    expect(run.code).toBe(0);
    expect(existsSync(join(schemaDir(), "..", "parse.pack"))).toBe(true); // from the earlier runs, left as it was
  }, 300_000);
});

function flip(bytes: Buffer, at: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] = (copy[at] ?? 0) ^ 0x01;
  return copy;
}
