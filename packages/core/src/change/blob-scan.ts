/**
 * Reads each blob a push's diffs compare once (all of it up to SCAN_LIMIT, the first bytes of larger ones) and keeps
 * what says whether git's patch of a file version can hold anything a Change keeps: its size, whether git takes it for
 * binary by its first bytes, and whether the line selection matches anywhere in it.
 */
import { BulkRead, type GitObject } from "../git/cat-file.js";
import type { Git } from "../git/runner.js";
import type { LineSelection } from "./types.js";

/** Blobs up to this size are read whole; the patch of a larger one is always read. */
export const SCAN_LIMIT = 1024 * 1024;
/** git takes a blob with a NUL byte in its first 8,000 bytes for binary (`buffer_is_binary`, FIRST_FEW_BYTES). */
export const BINARY_PROBE_BYTES = 8000;

export interface BlobFacts {
  size: number;
  /** A NUL byte in the first BINARY_PROBE_BYTES: git shows "Binary files ... differ" instead of lines. */
  binaryStart: boolean;
  /** Read whole (not over SCAN_LIMIT). */
  whole: boolean;
  /** The line selection matches somewhere in the content (always false when it was not read whole). */
  matches: boolean;
}

export class BlobScan {
  /** Facts per blob id: null for an id that is missing or not a blob, PENDING until `settle` has run. */
  private readonly facts = new Map<string, BlobFacts | null>();
  private readonly pattern: RegExp | null;
  private bulk: BulkRead | null = null;
  private asked: string[] = [];
  private unsent: string[] = [];

  constructor(
    private readonly git: Git,
    selection: LineSelection,
  ) {
    // Not global nor sticky: `test` must not carry a position from one blob to the next.
    this.pattern = typeof selection === "string" ? null : new RegExp(selection.source, selection.flags.replace("g", "").replace("y", ""));
  }

  /** Asks for the blob `oid` (once, however often it is asked for); its facts are there after the next `settle`. */
  add(oid: string): void {
    if (this.facts.has(oid)) return;
    this.facts.set(oid, PENDING);
    this.unsent.push(oid);
    if (this.unsent.length >= SEND_BATCH) this.send();
  }

  /** Waits for every blob asked for so far. */
  async settle(): Promise<void> {
    this.send();
    const bulk = this.bulk;
    this.bulk = null;
    this.asked = [];
    await bulk?.done();
  }

  /** What was found for `oid` (null: missing or not a blob; undefined: never asked for or not settled yet). */
  get(oid: string): BlobFacts | null | undefined {
    const facts = this.facts.get(oid);
    return facts === PENDING ? undefined : facts;
  }

  private send(): void {
    if (this.unsent.length === 0) return;
    if (this.bulk === null) {
      const asked: string[] = [];
      this.asked = asked;
      this.bulk = new BulkRead(this.git, (object, index) => this.facts.set(asked[index] as string, this.factsOf(object)), SCAN_LIMIT);
    }
    for (let i = 0; i < this.unsent.length; i++) this.asked.push(this.unsent[i] as string);
    this.bulk.add(this.unsent);
    this.unsent = [];
  }

  private factsOf(object: GitObject | null): BlobFacts | null {
    if (object === null || object.type !== "blob") return null;
    const { content, size } = object;
    const whole = content.length === size;
    const probe = Math.min(content.length, BINARY_PROBE_BYTES);
    // latin1 reads one character per byte, where an ASCII selection matches exactly as on the lines (see lines.ts).
    const matches = whole && this.pattern !== null && this.pattern.test(content.toString("latin1"));
    return { size, binaryStart: content.subarray(0, probe).includes(0), whole, matches };
  }
}

const PENDING: BlobFacts = Object.freeze({ size: 0, binaryStart: false, whole: false, matches: false });
/** Ids per write to `cat-file`: few writes, and the reads start long before the diffs end. */
const SEND_BATCH = 1024;
