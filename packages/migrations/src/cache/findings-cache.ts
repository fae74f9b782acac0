/**
 * The findings of the last `migrations lint` of files, kept so that a lint of an unchanged tree neither parses nor runs
 * the rules. The rules see release state across files, so a result is reused only for the exact same input: the code
 * of the static analysis and the parser (`codeVersion`), the options, every given file's path and bytes in the given
 * order, and every companion file the layout's tool read beside them (a down, Diesel's metadata.toml), present or not.
 * One entry file in the repository's cache directory, checked as every cache entry is (entry-file.ts); one that is
 * damaged, unreadable or made for other input is ignored and replaced, never used.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createDebug } from "@shipgate/core/debug";
import { lintAsApplied, type AsAppliedLint, type AsAppliedOptions } from "../lint-as-applied.js";
import type { TextFile } from "../lint-text.js";
import { readEntry, writeEntry } from "./entry-file.js";
import { parserVersion } from "./parse-cache.js";

const debug = createDebug("shipgate:cache");

/** The entry's name in the cache directory, and its kind (a new layout of the payload gets a new kind). */
const FILE = "lint.findings";
const KIND = "lint-findings-1";
/** One entry, the last lint's: its own key is in the header's meta, and another lint's is a miss, not a damaged file. */
const ENTRY_KEY = "last-lint";

export interface FindingsCache {
  /** The repository's cache directory (cache/options.ts). */
  dir: string;
  /** Identifies the code that makes the findings, e.g. a hash of the static analysis' script: other code, other key. */
  codeVersion: string;
}

/** What the last lint did with the cache (for tests and the bench). */
export type FindingsCacheOutcome = "off" | "hit" | "miss" | "rejected";

interface Stored {
  /** Companion files read during the lint, with the hash of their bytes, or null for one that was not there. */
  companions: [string, string | null][];
  result: AsAppliedLint;
}

let outcome: FindingsCacheOutcome = "off";

/**
 * `lintAsApplied`, answered from the cache when the same files were linted the same way by the same code before;
 * otherwise linted and kept. A lint that needs what the key does not cover (`oldReads`) is never cached. `beforeLint`
 * runs only when the files must be linted (to open the parse cache and start the parser, which a hit never needs).
 */
export async function lintAsAppliedCached(
  files: readonly TextFile[],
  options: AsAppliedOptions,
  cache: FindingsCache | null,
  beforeLint?: () => void,
): Promise<AsAppliedLint> {
  if (cache === null || (options.oldReads ?? null) !== null) {
    outcome = "off";
    beforeLint?.();
    return lintAsApplied(files, options);
  }
  const file = join(cache.dir, FILE);
  const key = lintKey(files, options, cache.codeVersion);
  const stored = readStored(file, key);
  if (stored !== null && companionsUnchanged(stored.companions, options.readCompanion)) {
    outcome = "hit";
    debug(`findings cache: hit (${stored.result.findings.length} findings)`);
    return stored.result;
  }
  beforeLint?.();
  const companions: [string, string | null][] = [];
  const read = options.readCompanion;
  const recording = read && {
    readCompanion: (path: string) => {
      const bytes = read(path);
      companions.push([path, bytes === null ? null : digest(bytes)]);
      return bytes;
    },
  };
  const result = await lintAsApplied(files, { ...options, ...recording });
  if (result.unrecognised.length === 0) save(file, key, { companions, result });
  return result;
}

/** Whether `cache` holds findings of some lint: then a lint may be answered without the parser, so none is started early. */
export function hasCachedFindings(cache: FindingsCache | null): boolean {
  return cache !== null && existsSync(join(cache.dir, FILE));
}

/** A code version for `FindingsCache`: a hash of the script that holds the static analysis, and the Node that runs it. */
export function codeVersionOf(script: string): string {
  return `${process.version} ${digest(readFileSync(script))}`;
}

/** What the last `lintAsAppliedCached` of this process did. */
export function findingsCacheOutcome(): FindingsCacheOutcome {
  return outcome;
}

/** One hash of everything a finding depends on besides the companion files (which the entry lists and checks). */
function lintKey(files: readonly TextFile[], options: AsAppliedOptions, codeVersion: string): string {
  const hash = createHash("sha1");
  const settings = Object.entries(options.rules ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  hash.update(JSON.stringify([KIND, codeVersion, parserVersion(), options.layout ?? "auto", options.order ?? "runner", settings, files.length]));
  for (const file of files) {
    hash.update(`\0${file.path}\0`);
    hash.update(typeof file.text === "string" ? `s${file.text}` : "b");
    if (typeof file.text !== "string") hash.update(file.text);
    const down = file.down ?? null;
    hash.update(down === null ? "\0n" : typeof down === "string" ? `\0s${down}` : "\0b");
    if (down !== null && typeof down !== "string") hash.update(down);
  }
  return hash.digest("hex");
}

function readStored(file: string, key: string): Stored | null {
  const read = readEntry(file, KIND, ENTRY_KEY);
  if (!read.found || read.header.meta["lint"] !== key) {
    const rejected = read.found ? null : read.rejected;
    outcome = rejected === null ? "miss" : "rejected";
    debug(rejected === null ? "findings cache: miss" : `findings cache: ignored ${file} (${rejected}); it is rebuilt`);
    return null;
  }
  try {
    const stored = JSON.parse(read.payload.toString("utf8")) as Stored;
    if (!Array.isArray(stored.companions) || !Array.isArray(stored.result.findings) || !Array.isArray(stored.result.migrations)) {
      throw new Error("unexpected shape");
    }
    return stored;
  } catch {
    outcome = "rejected";
    debug(`findings cache: ignored ${file} (unreadable payload); it is rebuilt`);
    return null;
  }
}

/** True when every companion file read by the stored lint still has the same bytes, or is still absent. */
function companionsUnchanged(companions: Stored["companions"], read: AsAppliedOptions["readCompanion"]): boolean {
  for (const [path, id] of companions) {
    const bytes = read?.(path) ?? null;
    if ((bytes === null ? null : digest(bytes)) !== id) {
      outcome = "miss";
      debug(`findings cache: ${path} changed`);
      return false;
    }
  }
  return true;
}

function save(file: string, key: string, stored: Stored): void {
  try {
    writeEntry(file, { kind: KIND, key: ENTRY_KEY, meta: { lint: key } }, Buffer.from(JSON.stringify(stored), "utf8"));
  } catch (error) {
    debug(`findings cache: not written (${(error as Error).message})`); // a read-only git dir costs only the next run's lint
  }
}

function digest(bytes: Uint8Array): string {
  return createHash("sha1").update(bytes).digest("hex");
}
