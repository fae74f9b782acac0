/** Frames between the hook and the daemon: whole messages out of any chunking, and nothing else. */
import { describe, expect, it } from "vitest";
import { ClientMessage, encodeFrame, FrameReader, FrameTooLarge, MAX_FRAME } from "./protocol.js";

const TOKEN = "ab".repeat(32);

function reader() {
  const messages: unknown[] = [];
  const violations: string[] = [];
  const frames = new FrameReader(
    ClientMessage,
    (m) => messages.push(m),
    (why) => violations.push(why),
  );
  return { frames, messages, violations };
}

function frameOf(body: string): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(Buffer.byteLength(body), 0);
  return Buffer.concat([head, Buffer.from(body)]);
}

describe("frames", () => {
  it("reads messages split across chunks at any byte, and several in one chunk", () => {
    const bytes = Buffer.concat([encodeFrame({ type: "status" }), encodeFrame({ type: "stop" }), encodeFrame({ type: "status" })]);
    for (let cut = 1; cut < bytes.length; cut++) {
      const { frames, messages, violations } = reader();
      frames.push(bytes.subarray(0, cut));
      frames.push(bytes.subarray(cut));
      expect(messages).toEqual([{ type: "status" }, { type: "stop" }, { type: "status" }]);
      expect(violations).toEqual([]);
    }
  });

  it("refuses a frame announced over the bound before reading its body, and everything after it", () => {
    const { frames, messages, violations } = reader();
    const head = Buffer.alloc(4);
    head.writeUInt32BE(MAX_FRAME + 1, 0);
    frames.push(head);
    frames.push(encodeFrame({ type: "status" }));
    expect(violations).toEqual([`a frame of ${MAX_FRAME + 1} bytes is over the limit`]);
    expect(messages).toEqual([]);
  });

  it("refuses bytes that are not JSON, and JSON of the wrong shape", () => {
    const garbage = reader();
    garbage.frames.push(frameOf("{not json"));
    expect(garbage.violations).toEqual(["a frame that is not JSON"]);

    for (const bad of [
      { type: "hello", protocol: 1, token: "short", build: "b", node: "v20", env: "" },
      { type: "run", id: 1, request: { tool: "eslint", jobs: [{ root: "relative/dir", fix: true, filePath: "/a.js", source: "" }] } },
      { type: "run", id: 1, request: { tool: "rm", jobs: [] } },
      { type: "status", extra: true },
      { type: "run", id: -1, request: { tool: "prettier", jobs: [] } },
    ]) {
      const { frames, messages, violations } = reader();
      frames.push(encodeFrame(bad));
      expect(messages, JSON.stringify(bad)).toEqual([]);
      expect(violations[0]).toMatch(/^a message of the wrong shape/);
    }
    const good = reader();
    good.frames.push(encodeFrame({ type: "hello", protocol: 1, token: TOKEN, build: "b", node: "v20", env: "" }));
    expect(good.violations).toEqual([]);
  });

  it("will not write a message over the bound", () => {
    expect(() => encodeFrame({ type: "run", id: 0, request: { tool: "prettier", jobs: [{ source: "x".repeat(MAX_FRAME) }] } })).toThrow(FrameTooLarge);
  });
});
