/**
 * What the hook and the lint daemon say to each other: length-prefixed JSON frames with a size bound, and a schema for
 * every message. Each side treats what it receives as hostile until the schema accepts it.
 */
import * as v from "valibot";

export const PROTOCOL = 1;
/** No frame may be larger (the hook lints a request too large for one frame itself). */
export const MAX_FRAME = 32 * 1024 * 1024;

const int = v.pipe(v.number(), v.integer(), v.minValue(0));
const text = (max: number) => v.pipe(v.string(), v.maxLength(max));
const path = v.pipe(v.string(), v.minLength(1), v.maxLength(4096), v.startsWith("/"));
const jobs = <T extends v.GenericSchema>(job: T) => v.pipe(v.array(job), v.maxLength(100_000));

const EslintJob = v.strictObject({ root: path, fix: v.boolean(), filePath: path, source: v.string() });
const PrettierJob = v.strictObject({ cwd: path, requireConfig: v.boolean(), filePath: path, source: v.string() });
export const ToolRequestSchema = v.variant("tool", [
  v.strictObject({ tool: v.literal("eslint"), jobs: jobs(EslintJob) }),
  v.strictObject({ tool: v.literal("prettier"), jobs: jobs(PrettierJob) }),
]);

/** The hook to the daemon. */
export const ClientMessage = v.variant("type", [
  v.strictObject({
    type: v.literal("hello"),
    protocol: int,
    token: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
    /** Which shipgate build, Node and tool environment the hook runs: the daemon must run the same to answer. */
    build: text(4096),
    node: text(64),
    env: text(65_536),
  }),
  v.strictObject({ type: v.literal("run"), id: int, request: ToolRequestSchema }),
  v.strictObject({ type: v.literal("status") }),
  v.strictObject({ type: v.literal("stop") }),
]);
export type ClientMessage = v.InferOutput<typeof ClientMessage>;

const LintMessage = v.strictObject({
  ruleId: v.nullable(text(1024)),
  severity: v.pipe(int, v.maxValue(2)),
  message: text(65_536),
  line: v.optional(int),
  column: v.optional(int),
  fatal: v.optional(v.boolean()),
});
const Outcome = v.variant("kind", [
  v.strictObject({ kind: v.literal("missing") }),
  v.strictObject({ kind: v.literal("ignored") }),
  v.strictObject({ kind: v.literal("linted"), messages: v.pipe(v.array(LintMessage), v.maxLength(1_000_000)), output: v.optional(v.string()) }),
  v.strictObject({ kind: v.literal("broken"), reason: text(65_536) }),
  v.strictObject({ kind: v.literal("crashed"), message: text(65_536) }),
  v.strictObject({ kind: v.literal("unconfigured") }),
  v.strictObject({ kind: v.literal("skipped") }),
  v.strictObject({ kind: v.literal("formatted"), output: v.string() }),
  v.strictObject({ kind: v.literal("unparsable"), message: text(65_536) }),
  /** The daemon keeps no state for this file's config (type-aware linting reads other files): lint it here. */
  v.strictObject({ kind: v.literal("declined") }),
]);
export type WireOutcome = v.InferOutput<typeof Outcome>;

export const DaemonStatus = v.strictObject({
  pid: int,
  workTree: path,
  warm: v.boolean(),
  workers: int,
  rssBytes: int,
  uptimeMs: int,
  idleMs: int,
  idleLimitMs: int,
  requests: int,
  reloads: int,
  lastReload: v.nullable(text(4096)),
});
export type DaemonStatus = v.InferOutput<typeof DaemonStatus>;

/** The daemon to the hook. */
export const DaemonMessage = v.variant("type", [
  v.strictObject({ type: v.literal("welcome"), pid: int }),
  v.strictObject({ type: v.literal("refused"), reason: v.picklist(["token", "stale", "protocol"]), detail: text(4096) }),
  /** Job `index` of request `id` started; also the sign of life while a request runs. */
  v.strictObject({ type: v.literal("started"), id: int, index: int }),
  v.strictObject({ type: v.literal("working"), id: int }),
  v.strictObject({ type: v.literal("result"), id: int, outcomes: v.pipe(v.array(Outcome), v.maxLength(100_000)) }),
  v.strictObject({ type: v.literal("failed"), id: int, message: text(65_536) }),
  v.strictObject({ type: v.literal("status"), status: DaemonStatus }),
  v.strictObject({ type: v.literal("stopping") }),
]);
export type DaemonMessage = v.InferOutput<typeof DaemonMessage>;

/** One frame: a 4-byte big-endian length, then that many bytes of JSON. */
export function encodeFrame(message: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(message), "utf8");
  if (body.length > MAX_FRAME) throw new FrameTooLarge(body.length);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length, 0);
  return Buffer.concat([head, body]);
}

export class FrameTooLarge extends Error {
  constructor(readonly bytes: number) {
    super(`a message of ${bytes} bytes is over the ${MAX_FRAME}-byte limit`);
  }
}

/**
 * Splits a byte stream into messages that `schema` accepts; anything else (a frame over the bound, bytes that are not
 * JSON, a message of the wrong shape) is a protocol violation, after which the connection must be dropped.
 */
export class FrameReader<T> {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private dead = false;

  constructor(
    private readonly schema: v.GenericSchema<unknown, T>,
    private readonly onMessage: (message: T) => void,
    private readonly onViolation: (why: string) => void,
  ) {}

  push(chunk: Buffer): void {
    if (this.dead) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (!this.dead && this.buffered >= 4) {
      const length = this.peekLength();
      if (length > MAX_FRAME) return this.violate(`a frame of ${length} bytes is over the limit`);
      // Bytes are joined only once a whole frame is here, so a large frame costs one copy, not one per chunk.
      if (this.buffered < 4 + length) return;
      const all = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
      const body = all.subarray(4, 4 + length);
      const rest = all.subarray(4 + length);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
      this.deliver(body);
    }
  }

  private peekLength(): number {
    const first = this.chunks[0] as Buffer;
    if (first.length >= 4) return first.readUInt32BE(0);
    const joined = Buffer.concat(this.chunks);
    this.chunks = [joined];
    return joined.readUInt32BE(0);
  }

  private deliver(body: Buffer): void {
    let data: unknown;
    try {
      data = JSON.parse(body.toString("utf8"));
    } catch {
      return this.violate("a frame that is not JSON");
    }
    const parsed = v.safeParse(this.schema, data);
    if (!parsed.success) return this.violate(`a message of the wrong shape (${parsed.issues[0]?.message ?? "?"})`);
    this.onMessage(parsed.output);
  }

  private violate(why: string): void {
    this.dead = true;
    this.chunks = [];
    this.buffered = 0;
    this.onViolation(why);
  }
}
