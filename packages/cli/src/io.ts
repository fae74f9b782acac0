/** What a command may touch of the outside world: passed in, so commands are testable and never exit on their own. */
export interface Io {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    // Node creates process.stdin on first use, which costs a start-up of ~0.6 ms that most commands never need.
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Every command module exports this. It returns the exit code; errors it throws are mapped by cli.ts. */
export type Command = (argv: string[], io: Io) => Promise<number>;
