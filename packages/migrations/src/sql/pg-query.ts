/** libpg-query's PostgreSQL parser (WASM), called directly: native string copies, and a compile that starts early. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { setFlagsFromString } from "node:v8";
// Imported, not required when the parser loads: the CLI bundles it with the static analysis into one script whose
// compiled code `pnpm build` caches (packages/cli/scripts/bundle.mjs). Evaluating it only defines the factory.
import createPgQuery from "libpg-query/wasm/libpg-query.js";
import type { PgQueryModule, WasmImports } from "libpg-query/wasm/libpg-query.js";

// libpg-query's own wrapper copies the SQL into the WASM heap and scans the JSON result for its terminating NUL one
// byte at a time in JavaScript, which took longer than the parse itself. Here TextEncoder and TextDecoder copy and
// `indexOf` finds the NUL. The result structs are read as libpg-query 18.1.5 (pinned in package.json) reads them, and
// parse.test.ts checks trees, positions and errors against the real parser.

/** The parse tree, or the parser's error: its message and where it is (`cursor`, 0-based, in characters). */
export type RawParse = { tree: ParseTree; error: null } | { tree: null; error: { message: string; cursor: number } };

/** libpg-query's JSON parse tree; locations and lengths are UTF-8 byte offsets. */
export interface ParseTree {
  stmts?: { stmt?: Record<string, unknown>; stmt_location?: number; stmt_len?: number }[];
}

/** Loads the parser once per process; the first call starts the WASM compile off the main thread. */
export function loadPgQuery(): Promise<void> {
  loading ??= instantiate();
  return loading;
}

/** Parses SQL text with PostgreSQL's parser; `loadPgQuery()` must have finished. */
export function parseRaw(text: string): RawParse {
  const raw = parseRawJson(text);
  return raw.error === null ? { tree: JSON.parse(raw.json) as ParseTree, error: null } : raw;
}

/** The parse tree as the parser's JSON text (what the parse cache keeps), or the parser's error. */
export function parseRawJson(text: string): { json: string; error: null } | { tree: null; error: { message: string; cursor: number } } {
  if (wasm === null) throw new Error("the PostgreSQL parser is not loaded: await loadParser() first");
  const size = Buffer.byteLength(text, "utf8") + 1;
  const query = wasm._malloc(size);
  let result = 0;
  try {
    const { written } = encoder.encodeInto(text, wasm.HEAPU8.subarray(query, query + size));
    wasm.HEAPU8[query + written] = 0;
    result = wasm._wasm_parse_query_raw(query);
    if (result === 0) throw new Error("the PostgreSQL parser ran out of memory");
    // struct PgQueryParseResult { char *parse_tree; char *stderr_buffer; PgQueryError *error; }
    const words = wasm.HEAPU32;
    const error = words[(result >> 2) + 2] ?? 0;
    if (error !== 0) {
      // struct PgQueryError { char *message; char *funcname; char *filename; int lineno; int cursorpos; ... }
      const message = words[error >> 2] ?? 0;
      const cursor = words[(error >> 2) + 4] ?? 0;
      return { tree: null, error: { message: message === 0 ? "unknown parse error" : readString(message), cursor: cursor > 0 ? cursor - 1 : 0 } };
    }
    const tree = words[result >> 2] ?? 0;
    if (tree === 0) return { tree: null, error: { message: "the PostgreSQL parser returned no parse tree", cursor: 0 } };
    return { json: readString(tree), error: null };
  } finally {
    wasm._free(query);
    if (result !== 0) wasm._wasm_free_parse_result(result);
  }
}

/** The part of the WebAssembly API used here (this project's lib has no DOM, and @types/node 20 does not declare it). */
const { WebAssembly } = globalThis as unknown as {
  WebAssembly: { compile(bytes: Uint8Array): Promise<object>; Instance: new (module: object, imports: WasmImports) => object };
};

let wasm: PgQueryModule | null = null;
let loading: Promise<void> | null = null;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function readString(pointer: number): string {
  const heap = (wasm as PgQueryModule).HEAPU8;
  const end = heap.indexOf(0, pointer);
  return decoder.decode(heap.subarray(pointer, end === -1 ? heap.length : end));
}

async function instantiate(): Promise<void> {
  const require = createRequire(import.meta.url);
  const compiled = await compileBaselineOnly(withSmallerInitialMemory(readFileSync(require.resolve("libpg-query/wasm/libpg-query.wasm"))));
  wasm = await createPgQuery({
    instantiateWasm(imports, receive) {
      receive(new WebAssembly.Instance(compiled, imports));
      return {};
    },
  });
}

/**
 * Compiles with V8's baseline compiler only, validating each function when it is first compiled. By default V8
 * recompiles hot WASM functions with its optimising compiler in the background; for the parser's huge functions that
 * costs more than a lint run spends parsing (measured: 600 migrations parse in ~15 ms baseline-only, 30-45 ms with
 * tier-up competing for the two cores of a CI runner). --liftoff-only is set around this call only, but the tier-up
 * flags it turns off stay off for the process (V8 keeps implied values), which is what keeps the parser's later lazy
 * compiles baseline-only. Validating the 526 functions up front took ~4 of the compile's ~8 ms, and a lint calls
 * ~70 of them; --wasm-lazy-validation stays on, since a lazy compile after it is turned off skips the validation it
 * deferred. Flags the user chose for WASM are left alone.
 */
function compileBaselineOnly(bytes: Uint8Array): Promise<object> {
  const chosenByUser = [...process.execArgv, ...(process.env["NODE_OPTIONS"] ?? "").split(/\s+/)].some((arg) =>
    /^--(no-)?(liftoff|wasm[-_]lazy[-_]validation)/.test(arg),
  );
  if (chosenByUser) return WebAssembly.compile(bytes);
  setFlagsFromString("--liftoff-only --wasm-lazy-validation");
  try {
    return WebAssembly.compile(bytes);
  } finally {
    setFlagsFromString("--no-liftoff-only");
  }
}

/** The memory section of libpg-query 18.1.5's module: one memory, with a maximum, of 2048 pages (128 MiB) initially. */
const MEMORY_SECTION = [0x05, 0x07, 0x01, 0x01, 0x80, 0x10];
/** 640 pages of 64 KiB: 40 MiB, what the parser's first parse grows to when it starts smaller. */
const INITIAL_PAGES = 640;

/**
 * Lowers the module's initial memory from 128 to 40 MiB. Allocating 128 MiB took 3-8 ms and, counted as external
 * memory, made V8 run a full garbage collection; the parser never needed more than 40 MiB here, and the module grows
 * its memory on demand (Emscripten's ALLOW_MEMORY_GROWTH, up to its 1 GiB maximum; parse.test.ts parses a megabyte).
 * Only the exact section above is rewritten; any other module is compiled as it is.
 */
export function withSmallerInitialMemory(bytes: Uint8Array): Uint8Array {
  let offset = 8; // magic and version
  while (offset < bytes.length) {
    const id = bytes[offset] ?? 0;
    const [size, sizeLength] = readUnsigned(bytes, offset + 1);
    if (id === 5) {
      if (MEMORY_SECTION.every((byte, i) => bytes[offset + i] === byte)) {
        bytes[offset + 4] = 0x80 | (INITIAL_PAGES & 0x7f);
        bytes[offset + 5] = INITIAL_PAGES >> 7;
      }
      break;
    }
    offset += 1 + sizeLength + size;
  }
  return bytes;
}

/** An unsigned LEB128 number and the count of its bytes. */
function readUnsigned(bytes: Uint8Array, offset: number): [number, number] {
  let value = 0;
  let length = 0;
  let byte: number;
  do {
    byte = bytes[offset + length] ?? 0;
    value += (byte & 0x7f) * 2 ** (7 * length);
    length++;
  } while (byte & 0x80 && length < 5);
  return [value, length];
}
