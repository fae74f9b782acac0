/**
 * The hook's side of the daemon's socket: checks that the socket and its token file are the user's own and private,
 * proves itself with the token, and checks every answer before believing it. Any failure is an error the caller
 * answers by linting in process.
 */
import { createConnection, type Socket } from "node:net";
import type { ToolRequest } from "@shipgate/core";
import { DaemonMessage, encodeFrame, FrameReader, PROTOCOL, type DaemonStatus, type WireOutcome } from "./protocol.js";
import { readInfo, type DaemonFiles } from "./files.js";
import type { Identity } from "./identity.js";

/** Why the daemon could not answer; `stale` and `unsafe` are worth telling the user, `absent` is not. */
export class DaemonUnavailable extends Error {
  constructor(
    readonly reason: "absent" | "unsafe" | "stale" | "failed",
    message: string,
  ) {
    super(message);
  }
}

/** Time to connect and be welcomed: the daemon's main thread does nothing else, so a slow answer means a hung daemon. */
const HELLO_TIMEOUT_MS = 5000;
/** Silence allowed while a request runs (the daemon says "working" every 2 s). */
const SILENCE_TIMEOUT_MS = 20_000;

const EXPECTED: Record<ToolRequest["tool"], ReadonlySet<string>> = {
  eslint: new Set(["missing", "ignored", "linted", "broken", "crashed", "declined"]),
  prettier: new Set(["missing", "unconfigured", "skipped", "formatted", "unparsable", "crashed", "declined"]),
};

/** Connects to a Unix socket; rejects after `timeoutMs`. */
export function connectSocket(path: string, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error("no answer"));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

export class DaemonConnection {
  private nextId = 0;
  private waiter: ((message: DaemonMessage | Error) => void) | null = null;
  private closedWith: Error | null = null;

  private constructor(
    private readonly socket: Socket,
    readonly pid: number,
  ) {}

  /** Opens a checked, authenticated connection to the repository's daemon; throws DaemonUnavailable. */
  static async open(files: DaemonFiles, identity: Identity): Promise<DaemonConnection> {
    const found = readInfo(files);
    if ("absent" in found) throw new DaemonUnavailable("absent", "no lint daemon runs for this repository");
    if ("unsafe" in found) throw new DaemonUnavailable("unsafe", found.unsafe);
    let socket: Socket;
    try {
      socket = await connectSocket(files.socket, HELLO_TIMEOUT_MS);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ECONNREFUSED" || code === "ENOENT") throw new DaemonUnavailable("absent", "the lint daemon is gone");
      throw new DaemonUnavailable("failed", `cannot connect: ${(error as Error).message}`);
    }
    const connection = new DaemonConnection(socket, found.info.pid);
    connection.listen();
    socket.write(encodeFrame({ type: "hello", protocol: PROTOCOL, token: found.info.token, ...identity }));
    const answer = await connection.next(HELLO_TIMEOUT_MS);
    if (answer.type === "welcome") return connection;
    connection.close();
    if (answer.type === "refused" && answer.reason === "stale") throw new DaemonUnavailable("stale", answer.detail);
    throw new DaemonUnavailable("failed", answer.type === "refused" ? `refused: ${answer.detail}` : `answered ${answer.type} to hello`);
  }

  /** Runs a request; `started(i)` as the daemon starts job i. Throws DaemonUnavailable on any doubt. */
  async run(request: ToolRequest, started?: (index: number) => void): Promise<WireOutcome[]> {
    const id = this.nextId++;
    try {
      this.socket.write(encodeFrame({ type: "run", id, request }));
    } catch (error) {
      throw new DaemonUnavailable("failed", (error as Error).message);
    }
    for (;;) {
      const message = await this.next(SILENCE_TIMEOUT_MS);
      if (message.type === "working" && message.id === id) continue;
      if (message.type === "started" && message.id === id && message.index < request.jobs.length) {
        started?.(message.index);
        continue;
      }
      if (message.type === "failed" && message.id === id) throw new DaemonUnavailable("failed", message.message);
      if (message.type !== "result" || message.id !== id) throw this.violation(`an unexpected ${message.type} message`);
      if (message.outcomes.length !== request.jobs.length) throw this.violation(`${message.outcomes.length} outcomes for ${request.jobs.length} jobs`);
      const allowed = EXPECTED[request.tool];
      const wrong = message.outcomes.find((outcome) => !allowed.has(outcome.kind));
      if (wrong !== undefined) throw this.violation(`a ${wrong.kind} outcome for ${request.tool}`);
      return message.outcomes;
    }
  }

  async status(): Promise<DaemonStatus> {
    this.socket.write(encodeFrame({ type: "status" }));
    const message = await this.next(HELLO_TIMEOUT_MS);
    if (message.type !== "status") throw this.violation(`answered ${message.type} to status`);
    return message.status;
  }

  /** Asks the daemon to stop; resolves once it has said it will. */
  async stop(): Promise<void> {
    this.socket.write(encodeFrame({ type: "stop" }));
    const message = await this.next(HELLO_TIMEOUT_MS);
    if (message.type !== "stopping") throw this.violation(`answered ${message.type} to stop`);
  }

  close(): void {
    this.socket.destroy();
  }

  private listen(): void {
    const reader = new FrameReader(
      DaemonMessage,
      (message) => this.deliver(message),
      (why) => this.fail(new DaemonUnavailable("failed", `the daemon sent ${why}`)),
    );
    this.socket.on("data", (chunk: Buffer) => reader.push(chunk));
    this.socket.on("error", (error) => this.fail(new DaemonUnavailable("failed", error.message)));
    this.socket.on("close", () => this.fail(new DaemonUnavailable("failed", "the daemon closed the connection")));
  }

  private readonly inbox: DaemonMessage[] = [];

  private deliver(message: DaemonMessage): void {
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = null;
      waiter(message);
    } else this.inbox.push(message);
  }

  private fail(error: Error): void {
    this.closedWith ??= error;
    this.socket.destroy();
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.(error);
  }

  /** The next message, or a DaemonUnavailable when none comes within `timeoutMs` or the connection broke. */
  private next(timeoutMs: number): Promise<DaemonMessage> {
    const queued = this.inbox.shift();
    if (queued) return Promise.resolve(queued);
    if (this.closedWith) return Promise.reject(this.closedWith);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        this.fail(new DaemonUnavailable("failed", `no answer for ${timeoutMs / 1000} s`));
        reject(this.closedWith ?? new Error("no answer"));
      }, timeoutMs);
      this.waiter = (message) => {
        clearTimeout(timer);
        if (message instanceof Error) reject(message);
        else resolve(message);
      };
    });
  }

  private violation(why: string): DaemonUnavailable {
    const error = new DaemonUnavailable("failed", `the daemon sent ${why}`);
    this.fail(error);
    return error;
  }
}
