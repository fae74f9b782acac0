/**
 * The lint daemon of one work tree: answers hooks on a socket only the user can open, runs their eslint and prettier
 * jobs on warm worker threads, reloads them when a file that decides the tools' behaviour changes, and stops by itself
 * after an idle time, when its socket is taken over or when the repository is gone.
 */
import { createServer, type Server, type Socket } from "node:net";
import { randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, existsSync, lstatSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname } from "node:path";
import { ownerTag, type ToolRequest } from "@shipgate/core";
import { ClientMessage, encodeFrame, FrameReader, PROTOCOL, type DaemonMessage, type DaemonStatus } from "./protocol.js";
import { makePrivateDir, type DaemonFiles, type DaemonInfo } from "./files.js";
import { entryScript, mismatch, type Identity } from "./identity.js";
import { Fingerprint, inside } from "./fingerprint.js";
import { LintPool } from "./pool.js";
import { connectSocket } from "./client.js";
import { warmUpRequests } from "./warm-up.js";

export interface ServerOptions {
  files: DaemonFiles;
  gitDir: string;
  workTree: string;
  idleMs: number;
  identity: Identity;
  log: (line: string) => void;
}

/** A request that sends nothing for this long is still alive: the daemon says so. */
const HEARTBEAT_MS = 2000;
/** How often the daemon checks that its socket and repository are still there. */
const SELF_CHECK_MS = 5000;
/** Jobs of one request from which the daemon spreads them over more workers. */
const SPREAD_AT = 8;
/** Idle time after which the workers of a spread stop, down to the one warm worker. */
const TRIM_AFTER_MS = 60_000;

export class AlreadyRunning extends Error {}

/**
 * A running daemon. `stopped` resolves (with why) once it has stopped, on its own (idle, its socket taken over, the
 * repository gone) or when asked; the process that runs it exits then.
 */
export class DaemonServer {
  private readonly token = randomBytes(32).toString("hex");
  private readonly fingerprint: Fingerprint;
  private readonly started = Date.now();
  private server: Server | null = null;
  private socketIno: bigint | null = null;
  private pool: LintPool;
  private active = 0;
  private lastActive = Date.now();
  private idleTimer: NodeJS.Timeout | null = null;
  private trimTimer: NodeJS.Timeout | null = null;
  private requests = 0;
  private reloads = 0;
  private lastReload: string | null = null;
  private warm = false;
  private stopping = false;
  private onStopped: (why: string) => void = () => undefined;
  readonly stopped = new Promise<string>((resolve) => (this.onStopped = resolve));

  constructor(private readonly options: ServerOptions) {
    this.fingerprint = new Fingerprint(options.workTree);
    this.pool = this.newPool();
  }

  /** Listens on the socket (refusing to start beside a live daemon), then loads the tools. */
  async start(): Promise<void> {
    const { files } = this.options;
    makePrivateDir(files.dir);
    await this.clearStaleSocket();
    const server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(files.socket, () => resolve());
    });
    this.server = server;
    chmodSync(files.socket, 0o600);
    this.socketIno = lstatSync(files.socket, { bigint: true }).ino;
    this.writeInfo();
    setInterval(() => this.selfCheck(), SELF_CHECK_MS).unref();
    const t0 = performance.now();
    await this.warmUp();
    this.warm = true;
    this.lastActive = Date.now();
    this.armIdle(); // idle from when it is ready, not from when it started loading
    this.options.log(`warm in ${Math.round(performance.now() - t0)} ms, ${this.pool.workers} worker(s)`);
  }

  /** Closes the socket, removes its files (while they are still this daemon's) and stops the workers. */
  async stop(why: string): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.options.log(`stopping: ${why}`);
    this.server?.close();
    if (this.ownsSocket()) {
      rmSync(this.options.files.socket, { force: true });
      rmSync(this.options.files.info, { force: true });
    }
    await this.pool.close();
    this.onStopped(why);
  }

  private newPool(): LintPool {
    const maxWorkers = Math.max(1, Math.min(availableParallelism(), 4));
    return new LintPool({ inline: false, minWorkers: 1, maxWorkers, spreadAt: SPREAD_AT, declineTypeAware: true, script: entryScript("lint-worker") });
  }

  private async warmUp(): Promise<void> {
    const requests = warmUpRequests(this.options.workTree);
    this.fingerprint.check(requests.flatMap(dirsOf));
    await this.pool.warm(requests);
  }

  /** A socket left by a daemon that died is removed; a live daemon's is not touched (this one exits instead). */
  private async clearStaleSocket(): Promise<void> {
    const { socket } = this.options.files;
    if (!existsSync(socket)) return;
    if (!lstatSync(socket).isSocket()) throw new Error(`${socket} exists and is not a socket`);
    const alive = await connectSocket(socket, 2000).then(
      (connection) => {
        connection.destroy();
        return true;
      },
      () => false,
    );
    if (alive) throw new AlreadyRunning(`a lint daemon already answers on ${socket}`);
    rmSync(socket, { force: true });
  }

  private writeInfo(): void {
    const info: DaemonInfo = {
      pid: process.pid,
      token: this.token,
      build: this.options.identity.build,
      owner: ownerTag(),
      startedAt: new Date(this.started).toISOString(),
    };
    const temp = `${this.options.files.info}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(info)}\n`, { mode: 0o600 });
    renameSync(temp, this.options.files.info);
  }

  private ownsSocket(): boolean {
    try {
      return lstatSync(this.options.files.socket, { bigint: true }).ino === this.socketIno;
    } catch {
      return false;
    }
  }

  private selfCheck(): void {
    if (!this.ownsSocket()) void this.stop("its socket was removed or taken over");
    else if (!existsSync(this.options.gitDir)) void this.stop("the repository is gone");
  }

  private armIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.active > 0) return this.armIdle();
      void this.stop(`idle for ${Math.round(this.options.idleMs / 1000)} s`);
    }, this.options.idleMs);
  }

  private accept(socket: Socket): void {
    let authenticated = false;
    const send = (message: DaemonMessage) => {
      if (!socket.destroyed) socket.write(encodeFrame(message));
    };
    const reader = new FrameReader(
      ClientMessage,
      (message) => {
        if (message.type === "hello") {
          authenticated = this.hello(message, send);
          if (!authenticated) socket.end();
          return;
        }
        if (!authenticated) return void socket.destroy();
        if (message.type === "status") send({ type: "status", status: this.status() });
        else if (message.type === "stop") {
          send({ type: "stopping" });
          socket.end(() => void this.stop("asked to stop"));
        } else void this.serve(message.id, message.request, send);
      },
      (why) => {
        this.options.log(`dropped a connection: ${why}`);
        socket.destroy();
      },
    );
    socket.on("data", (chunk: Buffer) => reader.push(chunk));
    socket.on("error", () => socket.destroy());
  }

  private hello(message: Extract<ClientMessage, { type: "hello" }>, send: (m: DaemonMessage) => void): boolean {
    const given = Buffer.from(message.token, "hex");
    const own = Buffer.from(this.token, "hex");
    if (given.length !== own.length || !timingSafeEqual(given, own)) {
      send({ type: "refused", reason: "token", detail: "wrong token" });
      return false;
    }
    if (message.protocol !== PROTOCOL) {
      send({ type: "refused", reason: "protocol", detail: `protocol ${PROTOCOL}` });
      return false;
    }
    const stale = mismatch(message, this.options.identity);
    if (stale !== null) {
      send({ type: "refused", reason: "stale", detail: stale });
      return false;
    }
    send({ type: "welcome", pid: process.pid });
    return true;
  }

  private async serve(id: number, request: ToolRequest, send: (m: DaemonMessage) => void): Promise<void> {
    this.active++;
    this.requests++;
    const heartbeat = setInterval(() => send({ type: "working", id }), HEARTBEAT_MS);
    try {
      const dirs = dirsOf(request);
      const outside = dirs.find((dir) => !inside(this.options.workTree, dir));
      if (outside !== undefined) return send({ type: "failed", id, message: `${outside} is outside the work tree ${this.options.workTree}` });
      const changed = this.fingerprint.check(dirs);
      if (changed !== null) this.reload(changed, dirs);
      const outcomes = await this.pool.runWire(request, (index) => send({ type: "started", id, index }));
      send({ type: "result", id, outcomes });
    } catch (error) {
      send({ type: "failed", id, message: error instanceof Error ? error.message : String(error) });
    } finally {
      clearInterval(heartbeat);
      this.active--;
      this.lastActive = Date.now();
      this.armIdle();
      this.armTrim();
    }
  }

  private armTrim(): void {
    if (this.trimTimer) clearTimeout(this.trimTimer);
    this.trimTimer = setTimeout(() => {
      if (this.active === 0) this.pool.trim();
    }, TRIM_AFTER_MS);
    this.trimTimer.unref();
  }

  /** New workers (a fresh module graph: eslint, plugins and configs load again); the old ones finish what they hold. */
  private reload(changed: string, dirs: readonly string[]): void {
    this.reloads++;
    this.lastReload = `${changed} changed`;
    this.options.log(`reloading: ${this.lastReload}`);
    const old = this.pool;
    this.pool = this.newPool();
    this.fingerprint.reset();
    this.fingerprint.check(dirs);
    void old.closeWhenIdle();
  }

  private status(): DaemonStatus {
    const now = Date.now();
    return {
      pid: process.pid,
      workTree: this.options.workTree,
      warm: this.warm,
      workers: this.pool.workers,
      rssBytes: process.memoryUsage.rss(),
      uptimeMs: now - this.started,
      idleMs: this.active > 0 ? 0 : now - this.lastActive,
      idleLimitMs: this.options.idleMs,
      requests: this.requests,
      reloads: this.reloads,
      lastReload: this.lastReload,
    };
  }
}

/** The directories a request's jobs read configs from: each file's, each eslint root, each prettier cwd. */
function dirsOf(request: ToolRequest): string[] {
  const dirs = new Set<string>();
  if (request.tool === "eslint") for (const job of request.jobs) dirs.add(dirname(job.filePath)).add(job.root);
  else for (const job of request.jobs) dirs.add(dirname(job.filePath)).add(job.cwd);
  return [...dirs];
}
