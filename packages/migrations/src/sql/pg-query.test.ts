import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { withSmallerInitialMemory } from "./pg-query.js";

const wasmPath = createRequire(import.meta.url).resolve("libpg-query/wasm/libpg-query.wasm");
/** Section id, size, one memory, limits with a maximum: min 2048 pages (128 MiB), max 16384 pages (1 GiB). */
const ORIGINAL = [0x05, 0x07, 0x01, 0x01, 0x80, 0x10, 0x80, 0x80, 0x01];

describe("withSmallerInitialMemory", () => {
  it("starts libpg-query's module with 40 MiB instead of 128, keeping its 1 GiB maximum", () => {
    const bytes = readFileSync(wasmPath);
    const at = bytes.indexOf(Buffer.from(ORIGINAL));
    expect(at).toBeGreaterThan(8);
    const patched = withSmallerInitialMemory(bytes);
    expect([...patched.subarray(at, at + ORIGINAL.length)]).toEqual([0x05, 0x07, 0x01, 0x01, 0x80, 0x05, 0x80, 0x80, 0x01]);
    expect(patched.length).toBe(readFileSync(wasmPath).length);
  });

  it("leaves a module whose memory section is not libpg-query's as it is", () => {
    const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    const module = Uint8Array.from([...header, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x05, 0x04, 0x01, 0x01, 0x80, 0x08]);
    expect([...withSmallerInitialMemory(Uint8Array.from(module))]).toEqual([...module]);
  });
});
