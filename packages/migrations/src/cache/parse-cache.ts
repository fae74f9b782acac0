/**
 * Parse results by blob id: a migration file that did not change is not parsed again, in this process or the next.
 * What is kept is the parser's raw result (its JSON tree, or its error) for the exact text parsed, so everything built
 * on top of it (statement spans, comments, rules) runs as it always does. On disk it is one pack file in the
 * repository's cache directory, read once per process and written back (atomically) when this process parsed anything
 * new; a pack made by another parser version, or damaged, is ignored and replaced.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createDebug } from "@shipgate/core/debug";
import { withoutByteOrderMark } from "../sql/encoding.js";
import { findComments, skipTrivia } from "../sql/lexer.js";
import { loadPgQuery, parseRaw, parseRawJson, type ParseTree, type RawParse } from "../sql/pg-query.js";
import { blobId } from "./blob-id.js";
import { readEntry, writeEntry } from "./entry-file.js";

const debug = createDebug("shipgate:cache");

/** The pack's name in the cache directory, and its entry kind (a new layout of the payload gets a new kind). */
const PACK = "parse.pack";
const KIND = "parse-pack-1";

interface Pack {
  file: string;
  maxBytes: number;
  /** The parser the pack is for: a pack of another parser version is never used. */
  parser: string;
  /** Entries read from disk: blob id to the span of its raw result in `data`. */
  stored: Map<string, { start: number; end: number }>;
  data: Buffer;
  /** Raw results this process used or made, by blob id, in first-use order: what the next pack keeps first. */
  used: Map<string, string>;
  changed: boolean;
}

let pack: Pack | null = null;
const stats = { hits: 0, misses: 0, rejected: null as string | null };

/** The parser's raw result for `text`, from the cache when it holds it; otherwise the parser's, which must be loaded. */
export function parseRawCached(text: string): RawParse {
  if (pack === null) return parseRaw(text);
  const id = blobId(text);
  const raw = pack.used.get(id) ?? storedRaw(pack, id);
  if (raw !== null) {
    stats.hits++;
    pack.used.set(id, raw);
    return JSON.parse(raw) as RawParse;
  }
  stats.misses++;
  const parsed = parseRawJson(text);
  // The parser's own JSON text is kept, so a miss costs no serialisation of the tree.
  pack.used.set(id, parsed.error === null ? `{"tree":${parsed.json},"error":null}` : JSON.stringify(parsed));
  pack.changed = true;
  return parsed.error === null ? { tree: JSON.parse(parsed.json) as ParseTree, error: null } : parsed;
}

/** Loads the parser unless every text is in the cache, which spares a run over unchanged files the WASM compile. */
export async function loadParserFor(texts: Iterable<string>): Promise<void> {
  const current = pack;
  if (current !== null) {
    let all = true;
    for (const sql of texts) {
      const text = withoutByteOrderMark(sql); // what sql/parse.ts parses
      const id = blobId(text);
      if (current.used.has(id) || current.stored.has(id)) continue;
      if (skipTrivia(text, 0, findComments(text)) >= text.length) continue; // never parsed (sql/parse.ts)
      all = false;
      break;
    }
    if (all) return;
  }
  await loadPgQuery();
}

/**
 * Opens the pack in `dir` for this process (null: no disk cache) and returns how many entries it holds; a pack that
 * cannot be used is reported in debug and replaced by the next save.
 */
export function openParseCache(dir: string | null, maxBytes: number): number {
  Object.assign(stats, { hits: 0, misses: 0, rejected: null });
  if (dir === null) {
    pack = null;
    return 0;
  }
  const file = join(dir, PACK);
  const parser = parserVersion();
  pack = { file, maxBytes, parser, stored: new Map(), data: Buffer.alloc(0), used: new Map(), changed: false };
  const read = readEntry(file, KIND, parser);
  if (!read.found) {
    if (read.rejected !== null) {
      stats.rejected = read.rejected;
      debug(`ignored the parse cache ${file}: ${read.rejected}; it is rebuilt`);
      pack.changed = true;
    }
    return 0;
  }
  const split = read.payload.indexOf(10);
  try {
    const index = JSON.parse(read.payload.toString("utf8", 0, split)) as { ids: string[]; ends: number[] };
    const data = read.payload.subarray(split + 1);
    const stored = new Map<string, { start: number; end: number }>();
    let start = 0;
    index.ids.forEach((id, i) => {
      const end = index.ends[i] ?? Number.NaN;
      if (!(end >= start && end <= data.length)) throw new Error("an entry outside the pack");
      stored.set(id, { start, end });
      start = end;
    });
    pack.stored = stored;
    pack.data = data;
    debug(`parse cache: ${pack.stored.size} entries from ${file}`);
  } catch {
    stats.rejected = "unreadable index";
    debug(`ignored the parse cache ${file}: unreadable index; it is rebuilt`);
    pack.changed = true;
  }
  return pack.stored.size;
}

/** Writes the pack back when this process parsed something new: what it used first, then older entries up to the bound. */
export function saveParseCache(): void {
  const current = pack;
  if (current === null) return;
  debug(`parse cache: ${stats.hits} hits, ${stats.misses} parsed`);
  if (!current.changed) return;
  const ids: string[] = [];
  const ends: number[] = [];
  const chunks: Buffer[] = [];
  let size = 0;
  const add = (id: string, raw: Buffer) => {
    if (size + raw.length > current.maxBytes) return;
    ids.push(id);
    chunks.push(raw);
    size += raw.length;
    ends.push(size);
  };
  for (const [id, raw] of current.used) add(id, Buffer.from(raw, "utf8"));
  for (const [id, span] of current.stored) if (!current.used.has(id)) add(id, current.data.subarray(span.start, span.end));
  const index = Buffer.from(`${JSON.stringify({ ids, ends })}\n`, "utf8");
  try {
    writeEntry(current.file, { kind: KIND, key: current.parser, meta: {} }, Buffer.concat([index, ...chunks]));
    current.changed = false;
    debug(`parse cache: wrote ${ids.length} entries to ${current.file}`);
  } catch (error) {
    debug(`parse cache: not written (${(error as Error).message})`); // a read-only git dir costs only the next run's parse
  }
}

/** What the cache did in this process (for tests and the bench). */
export function parseCacheStats(): { hits: number; misses: number; rejected: string | null } {
  return { ...stats };
}

function storedRaw(current: Pack, id: string): string | null {
  const span = current.stored.get(id);
  return span === undefined ? null : current.data.toString("utf8", span.start, span.end);
}

let knownParser: string | null = null;

/** libpg-query's version, from its package: its parse trees are what the pack holds (and what findings come from). */
export function parserVersion(): string {
  if (knownParser !== null) return knownParser;
  const wasm = createRequire(import.meta.url).resolve("libpg-query/wasm/libpg-query.wasm");
  const { version } = JSON.parse(readFileSync(join(dirname(wasm), "..", "package.json"), "utf8")) as { version: string };
  knownParser = `libpg-query ${version}`;
  return knownParser;
}
