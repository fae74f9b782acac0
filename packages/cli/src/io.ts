/** What a command may touch of the outside world: passed in, so commands are testable and never exit on their own. */
import { writeSync } from "node:fs";

import type { Command as CoreCommand, CommandIo } from "@shipgate/core/command";

export type Io = CommandIo;

export function processIo(): Io {
  return {
    stdout: descriptorOutput(1, () => process.stdout),
    stderr: descriptorOutput(2, () => process.stderr),
    // Node creates process.stdin on first use, which costs a start-up of ~0.6 ms that most commands never need.
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Every command module exports this (the same contract as plugins' commands); errors it throws are mapped by cli.ts. */
export type Command = CoreCommand;

/** Resolves once what processIo() handed to Node's streams has been written (bin.js exits right after). */
export async function flushOutput(): Promise<void> {
  await Promise.all([...streamsInUse].map(flushed));
}

const streamsInUse = new Set<NodeJS.WriteStream>();

/**
 * Output to a descriptor, written synchronously as Node writes to files and terminals, without Node's stream: for a
 * pipe, creating process.stdout loads node:net and the stream modules (~3 ms of a 600-file `migrations lint`). A
 * descriptor that another process made non-blocking can refuse a write (EAGAIN) while the reader lags; from then on
 * the stream takes the output, since it waits for the reader, and flushOutput() waits for the stream. A reader that
 * has gone (`shipgate check | head`: EPIPE) takes nothing more: the output is dropped and the command runs on to its
 * verdict, whose exit code is the run's.
 */
export function descriptorOutput(fd: number, stream: () => NodeJS.WriteStream): Io["stdout"] {
  let fallback: NodeJS.WriteStream | null = null;
  let closed = false;
  const toStream = (chunk: string | Buffer) => {
    if (fallback === null) {
      fallback = stream();
      fallback.on("error", (error: NodeJS.ErrnoException) => {
        if (error.code !== "EPIPE") throw error;
        closed = true;
      });
    }
    streamsInUse.add(fallback);
    return fallback.write(chunk);
  };
  return {
    write(text: string) {
      if (closed) return true;
      if (fallback !== null) return toStream(text);
      const bytes = Buffer.from(text);
      let offset = 0;
      try {
        while (offset < bytes.length) offset += writeSync(fd, bytes, offset);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "EPIPE") {
          closed = true;
          return true;
        }
        if (code !== "EAGAIN") throw error;
        return toStream(bytes.subarray(offset));
      }
      return true;
    },
    // Asked only by commands that colour their output; the stream knows, and creating it then costs what it costs.
    get isTTY() {
      return stream().isTTY === true;
    },
  };
}

/** Resolves once everything written to `stream` has been handed to the OS (or the stream failed or closed). */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.writableLength === 0) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once("drain", resolve);
    stream.once("error", resolve);
    stream.once("close", resolve);
  });
}
