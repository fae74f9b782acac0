/** The parts of libpg-query's Emscripten glue that pg-query.ts uses (the package declares only its own wrapper). */
declare module "libpg-query/wasm/libpg-query.js" {
  export type WasmImports = Record<string, Record<string, unknown>>;

  /** The initialised module. */
  export interface PgQueryModule {
    /** Views of the WASM memory; Emscripten replaces them when the memory grows, so they are read after every call. */
    HEAPU8: Uint8Array;
    HEAPU32: Uint32Array;
    _malloc(size: number): number;
    _free(pointer: number): void;
    _wasm_parse_query_raw(query: number): number;
    _wasm_free_parse_result(result: number): void;
  }

  export interface FactoryOptions {
    /** Instantiates the module with the glue's imports, so the glue never looks for the .wasm file itself. */
    instantiateWasm(imports: WasmImports, receive: (instance: object) => void): object;
  }

  const createPgQuery: (options: FactoryOptions) => Promise<PgQueryModule>;
  export default createPgQuery;
}
