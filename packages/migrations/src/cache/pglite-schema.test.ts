import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { openPglite } from "../dynamic/database.js";
import { writeEntry } from "./entry-file.js";
import { loadPgliteCopy } from "./pglite-schema.js";

const dir = mkdtempSync(join(tmpdir(), "shipgate-pglite-schema-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An entry whose checksum is sound over `payload` (its last four bytes, read as gzip's size trailer, are not one). */
function store(key: string, payload: Buffer): void {
  writeEntry(join(dir, "schema", `${key}.pglite`), { kind: "pglite-schema-1", key, meta: { catalog: "digest" } }, payload);
}

describe("loading a cached PGlite copy", () => {
  it("ignores a sound entry whose payload is not gzip", async () => {
    store("not-gzip", Buffer.from("a tarball, but not compressed\n"));
    expect(await loadPgliteCopy(dir, "not-gzip", (dataDir) => openPglite({ dataDir }))).toEqual({
      ignored: expect.stringMatching(/^not a gzip stream \(/) as unknown,
    });
  }, 60_000);

  it("ignores a sound entry whose gzip stream is cut short", async () => {
    const whole = gzipSync(Buffer.alloc(1 << 20, 7));
    store("cut-gzip", whole.subarray(0, whole.length >> 1));
    expect(await loadPgliteCopy(dir, "cut-gzip", (dataDir) => openPglite({ dataDir }))).toEqual({
      ignored: expect.stringMatching(/^not a gzip stream \(/) as unknown,
    });
  }, 60_000);
});
