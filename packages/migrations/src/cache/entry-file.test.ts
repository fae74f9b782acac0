import { existsSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "@shipgate/test-utils";
import { evict, readEntry, writeEntry } from "./entry-file.js";

const header = { kind: "test-1", key: "k1", meta: { catalog: "abc" } };

describe("cache entry files", () => {
  it("reads back what was written, with its meta, and nothing is left but the entry", () => {
    const dir = tempDir();
    const file = join(dir, "sub", "e.bin");
    writeEntry(file, header, Buffer.from("payload bytes"));
    const read = readEntry(file, "test-1", "k1");
    expect(read).toEqual({ found: true, header, payload: Buffer.from("payload bytes") });
    expect(readEntry(join(dir, "sub", "missing.bin"), "test-1", "k1")).toEqual({ found: false, rejected: null });
  });

  it("refuses a truncated file, a flipped byte, another kind or key, and a file that is no entry", () => {
    const dir = tempDir();
    const file = join(dir, "e.bin");
    const payload = Buffer.alloc(4096, 7);
    writeEntry(file, header, payload);
    const whole = readFileSync(file);
    writeFileSync(file, whole.subarray(0, whole.length - 10));
    expect(readEntry(file, "test-1", "k1")).toEqual({ found: false, rejected: "4086 payload bytes where the header says 4096" });
    const flipped = Buffer.from(whole);
    flipped[flipped.length - 100] = (flipped[flipped.length - 100] ?? 0) ^ 0x01;
    writeFileSync(file, flipped);
    expect(readEntry(file, "test-1", "k1")).toEqual({ found: false, rejected: "checksum mismatch" });
    writeFileSync(file, whole);
    expect(readEntry(file, "test-2", "k1")).toEqual({ found: false, rejected: "made for another version or key" });
    expect(readEntry(file, "test-1", "k2")).toEqual({ found: false, rejected: "made for another version or key" });
    writeFileSync(file, "PK\u0003\u0004 not ours");
    expect(readEntry(file, "test-1", "k1")).toEqual({ found: false, rejected: "not a shipgate cache file of this version" });
  });

  it("evicts the least recently used entries beyond the bound, never the one just written, and old partial files", () => {
    const dir = tempDir();
    const now = Date.now() / 1000;
    const names = ["old.bin", "mid.bin", "new.bin"];
    names.forEach((name, i) => {
      writeEntry(join(dir, name), header, Buffer.alloc(1000));
      utimesSync(join(dir, name), now - 300 + i * 100, now - 300 + i * 100);
    });
    writeFileSync(join(dir, "x.bin.123.abcd.partial"), "half");
    utimesSync(join(dir, "x.bin.123.abcd.partial"), now - 7200, now - 7200);
    // A read counts as a use: "old" becomes the most recently used.
    expect(readEntry(join(dir, "old.bin"), "test-1", "k1").found).toBe(true);
    const removed = evict(dir, 2500, "new.bin");
    expect(removed.sort()).toEqual(["mid.bin", "x.bin.123.abcd.partial"]);
    expect(names.map((n) => existsSync(join(dir, n)))).toEqual([true, false, true]);
    expect(evict(dir, 10, "new.bin")).toEqual(["old.bin"]);
    expect(existsSync(join(dir, "new.bin"))).toBe(true);
  });
});
