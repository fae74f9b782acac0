/** processIo's output: synchronous writes to the descriptor, and Node's stream once a non-blocking one is full. */
import { execFileSync } from "node:child_process";
import { closeSync, constants, openSync, readSync } from "node:fs";
import { Socket } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "@shipgate/test-utils";
import { descriptorOutput, flushOutput } from "./io.js";

describe("descriptorOutput", () => {
  it("hands what a full non-blocking pipe refuses to the stream and flushOutput waits until the reader has it all", async () => {
    const fifo = join(tempDir(), "out");
    execFileSync("mkfifo", [fifo]);
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    let stream: Socket | null = null;
    const output = descriptorOutput(writer, () => (stream ??= new Socket({ fd: writer, readable: false, writable: true })) as unknown as NodeJS.WriteStream);
    const text = Array.from({ length: 5000 }, (_, i) => `line ${i} ${"x".repeat(40)}\n`).join("");
    output.write(text);
    output.write("the end\n");
    expect(stream).not.toBeNull(); // 250 KB do not fit into a pipe: the rest went to the stream
    const received: Buffer[] = [];
    /** Reads what the pipe holds; true at end of file (the writer side closed). */
    const drain = (): boolean => {
      const chunk = Buffer.alloc(1 << 16);
      try {
        for (let n = readSync(reader, chunk); ; n = readSync(reader, chunk)) {
          if (n === 0) return true;
          received.push(Buffer.from(chunk.subarray(0, n)));
        }
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
        return false;
      }
    };
    const reading = setInterval(drain, 5); // a reader that lags: the stream must wait for it
    await flushOutput();
    clearInterval(reading);
    (stream as Socket | null)?.destroy(); // closes the write side, so the reader sees the end
    for (let i = 0; !drain() && i < 200; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    closeSync(reader);
    expect(Buffer.concat(received).toString()).toBe(`${text}the end\n`);
  });
});
