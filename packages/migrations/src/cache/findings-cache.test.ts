import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "@shipgate/test-utils";
import { lintAsApplied, type AsAppliedOptions } from "../lint-as-applied.js";
import type { TextFile } from "../lint-text.js";
import { codeVersionOf, findingsCacheOutcome, lintAsAppliedCached } from "./findings-cache.js";

const bytes = (text: string) => Buffer.from(text, "utf8");
const files = (texts: Record<string, string>): TextFile[] => Object.entries(texts).map(([path, text]) => ({ path, text: bytes(text) }));
const summary = (findings: { path: string; line: number; rule: string }[]) => findings.map((f) => `${f.path}:${f.line} ${f.rule}`);

const PLAIN = {
  "db/001_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY, name text, legacy text);\n",
  "db/002_cleanup.sql": "ALTER TABLE users DROP COLUMN legacy;\n",
  "db/003_index.sql": "CREATE INDEX users_name ON users (name);\n",
};

/** A lint through the cache in `dir`, with what the cache did and what a lint without any cache gives for the same input. */
async function lintTwice(dir: string, given: TextFile[], options: AsAppliedOptions = {}, codeVersion = "code 1") {
  const result = await lintAsAppliedCached(given, options, { dir, codeVersion });
  return { outcome: findingsCacheOutcome(), result, fresh: await lintAsApplied(given, options) };
}

describe("the findings cache of migrations lint", () => {
  it("answers an unchanged lint from the cache with exactly the findings of a fresh lint", async () => {
    const dir = tempDir();
    const cold = await lintTwice(dir, files(PLAIN));
    expect(cold.outcome).toBe("miss");
    expect(cold.result).toEqual(cold.fresh);
    const warm = await lintTwice(dir, files(PLAIN));
    expect(warm.outcome).toBe("hit");
    expect(warm.result).toEqual(cold.fresh);
    expect(summary(warm.result.findings)).toContain("db/002_cleanup.sql:1 drop-column");
  });

  it("lints again when an earlier file changes the release state that an unchanged later file is judged on", async () => {
    const dir = tempDir();
    const later = "ALTER TABLE users ALTER COLUMN legacy TYPE bigint;\nALTER TABLE users ALTER COLUMN name SET NOT NULL;\n";
    const before = await lintTwice(dir, files({ "db/001_users.sql": "CREATE TABLE users (id bigint, name text, legacy text);\n", "db/002_b.sql": later }));
    expect(summary(before.result.findings)).toEqual(expect.arrayContaining(["db/002_b.sql:1 change-column-type", "db/002_b.sql:2 set-not-null"]));
    // 002 is byte for byte the same, but the table it alters now has other columns: its findings change.
    const run = await lintTwice(dir, files({ "db/001_users.sql": "CREATE TABLE users (id bigint, name text NOT NULL, legacy int);\n", "db/002_b.sql": later }));
    expect(run.outcome).toBe("miss");
    expect(run.result).toEqual(run.fresh);
    expect(summary(run.result.findings)).toEqual(expect.arrayContaining(["db/002_b.sql:1 table-rewrite"]));
    expect(summary(run.result.findings)).not.toContain("db/002_b.sql:2 set-not-null");
  });

  it("lints again for another code version, other rule settings, another order or a renamed file", async () => {
    const dir = tempDir();
    await lintTwice(dir, files(PLAIN));
    expect((await lintTwice(dir, files(PLAIN), {}, "code 2")).outcome).toBe("miss");
    const off = await lintTwice(dir, files(PLAIN), { rules: { "drop-column": "off" } }, "code 2");
    expect(off.outcome).toBe("miss");
    expect(off.result).toEqual(off.fresh);
    expect(summary(off.result.findings)).not.toContain("db/002_cleanup.sql:1 drop-column");
    expect((await lintTwice(dir, files(PLAIN), { rules: { "drop-column": "off" }, order: "given" }, "code 2")).outcome).toBe("miss");
    const renamed = Object.fromEntries(Object.entries(PLAIN).map(([path, text]) => [path.replace("003", "004"), text]));
    expect((await lintTwice(dir, files(renamed), { rules: { "drop-column": "off" }, order: "given" }, "code 2")).outcome).toBe("miss");
  });

  it("lints again when a down file the layout's tool reads beside an up file changed, appeared or went away", async () => {
    const dir = tempDir();
    const ups = files({ "db/000001_users.up.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n" });
    const downs = new Map<string, string>([["db/000001_users.down.sql", "DROP TABLE users;\n"]]);
    const options: AsAppliedOptions = {
      readCompanion: (path) => {
        const text = downs.get(path);
        return text === undefined ? null : bytes(text);
      },
    };
    expect((await lintTwice(dir, ups, options)).outcome).toBe("miss");
    expect((await lintTwice(dir, ups, options)).outcome).toBe("hit");
    downs.set("db/000001_users.down.sql", "-- nothing to undo\n");
    const emptied = await lintTwice(dir, ups, options);
    expect(emptied.outcome).toBe("miss");
    expect(summary(emptied.result.findings)).toEqual(["db/000001_users.down.sql:1 empty-down"]);
    downs.delete("db/000001_users.down.sql");
    const gone = await lintTwice(dir, ups, options);
    expect(gone.outcome).toBe("miss");
    expect(gone.result).toEqual(gone.fresh);
    expect(summary(gone.result.findings)).toEqual(["db/000001_users.up.sql:1 missing-down"]);
  });

  it("ignores a damaged or altered findings file, lints afresh and replaces it", async () => {
    const dir = tempDir();
    const cold = await lintTwice(dir, files(PLAIN));
    const file = join(dir, "lint.findings");
    const whole = readFileSync(file);
    const at = whole.indexOf("drop-column");
    const damaged = [whole.subarray(0, whole.length - 3), Buffer.concat([whole.subarray(0, at), bytes("drop-tablex"), whole.subarray(at + 11)]), bytes("")];
    for (const content of damaged) {
      writeFileSync(file, content);
      const run = await lintTwice(dir, files(PLAIN));
      expect(run.outcome).toBe("rejected");
      expect(run.result).toEqual(cold.fresh);
      expect((await lintTwice(dir, files(PLAIN))).outcome).toBe("hit");
    }
  });

  it("keeps nothing without a cache directory and never caches a lint that depends on the previous release's reads", async () => {
    expect((await lintAsAppliedCached(files(PLAIN), {}, null)).findings).toEqual((await lintAsApplied(files(PLAIN))).findings);
    expect(findingsCacheOutcome()).toBe("off");
    const dir = tempDir();
    const oldReads = { tables: new Set(["users"]), columns: new Set(["users.legacy"]), by: new Map([["users.legacy", "q1"]]) };
    await lintAsAppliedCached(files(PLAIN), { oldReads }, { dir, codeVersion: "code 1" });
    expect(findingsCacheOutcome()).toBe("off");
  });

  it("gives the static analysis script a code version that changes with any byte of it", () => {
    const dir = tempDir();
    const script = join(dir, "migrations-static.cjs");
    writeFileSync(script, "exports.rule = () => 1;\n");
    const first = codeVersionOf(script);
    expect(codeVersionOf(script)).toBe(first);
    writeFileSync(script, "exports.rule = () => 2;\n");
    expect(codeVersionOf(script)).not.toBe(first);
    expect(first).toContain(process.version);
  });
});
