/**
 * PGlite reachable by URL: a loopback TCP listener that speaks the PostgreSQL wire protocol by handing each complete
 * frontend message to PGlite's own protocol handler (`execProtocolRaw`) and writing back what it answers. It lets the
 * previous release's test command (psql, any driver) run against the embedded, migrated database.
 *
 * PGlite is one backend: clients are served one connection at a time, in the order they connect (a later connection
 * waits until the earlier one closes, and is refused with a FATAL error naming the reason after WAIT_MS), so a test
 * suite must not hold two connections at once (a pool of size 1).
 */
import { createServer, type Server, type Socket } from "node:net";
import type { PGlite } from "@electric-sql/pglite";

export interface WireServer {
  /** `postgresql://postgres@127.0.0.1:<port>/postgres?sslmode=disable` */
  url: string;
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
/** How long a connection may wait for the one before it to close. */
const WAIT_MS = 5000;
/** A frontend message longer than this is refused (PostgreSQL's own limit for most messages is 1 GB; ours is lower). */
const MAX_MESSAGE = 256 * 1024 * 1024;

export async function serveWire(db: PGlite): Promise<WireServer> {
  let queue: Promise<void> = Promise.resolve();
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    socket.pause();
    // One connection at a time: the next starts when this one has closed, on a session reset to idle. A client that
    // waits too long is most likely a second connection of the same test suite: tell it why instead of hanging.
    let refused = false;
    const refuse = setTimeout(() => {
      refused = true;
      socket.end(tooManyConnections());
    }, WAIT_MS);
    refuse.unref();
    queue = queue
      .then(() => {
        clearTimeout(refuse);
        return refused ? undefined : serve(db, socket);
      })
      .then(() => reset(db));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the PGlite wire listener has no TCP address");
  return {
    url: `postgresql://postgres@127.0.0.1:${address.port}/postgres?sslmode=disable`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queue;
    },
  };
}

/** Serves one client until it disconnects; resolves then (never rejects, so the queue goes on). */
function serve(db: PGlite, socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve();
    // Received bytes not yet handed on; a large message is joined once, when all of it is there.
    let chunks: Buffer[] = [];
    let size = 0;
    let need = 0;
    let startup = true;
    let terminated = false;
    let working: Promise<void> = Promise.resolve();
    const finish = () => {
      socket.destroy();
      resolve();
    };
    socket.on("close", () => void working.then(resolve, resolve));
    socket.on("data", (chunk: Buffer) => {
      if (terminated) return;
      chunks.push(chunk);
      size += chunk.length;
      if (size < need) return;
      let pending = chunks.length === 1 ? chunk : Buffer.concat(chunks, size);
      need = 0;
      const messages: Buffer[] = [];
      for (;;) {
        // The startup phase has untyped messages (length first); after it every message starts with a type byte.
        const header = startup ? 0 : 1;
        if (pending.length < header + 4) {
          need = header + 4;
          break;
        }
        const length = pending.readInt32BE(header);
        if (length < 4 || length > MAX_MESSAGE) return finish();
        if (pending.length < header + length) {
          need = header + length;
          break;
        }
        const message = pending.subarray(0, header + length);
        pending = pending.subarray(header + length);
        if (startup) {
          const code = message.length >= 8 ? message.readInt32BE(4) : 0;
          if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
            socket.write("N"); // no encryption on loopback; the client goes on with a plain startup message
            continue;
          }
          if (code === CANCEL_REQUEST) return finish();
          startup = false;
        } else if (message[0] === 0x58 /* X: Terminate */) {
          terminated = true;
          break;
        }
        messages.push(message);
      }
      chunks = pending.length > 0 ? [pending] : [];
      size = pending.length;
      if (messages.length > 0) {
        const batch = messages.length === 1 ? (messages[0] as Buffer) : Buffer.concat(messages);
        working = working.then(async () => {
          try {
            const reply = await db.execProtocolRaw(new Uint8Array(batch.buffer, batch.byteOffset, batch.length));
            if (reply.length > 0 && !socket.destroyed) socket.write(reply);
          } catch {
            finish();
          }
        });
      }
      // Terminate: answer what came before it, then hang up.
      if (terminated) working = working.then(finish);
    });
    socket.resume();
  });
}

/** Ends what a client left behind (an unfinished extended query, an open transaction) before the next one starts. */
async function reset(db: PGlite): Promise<void> {
  const sync = Buffer.from([0x53, 0, 0, 0, 4]);
  const sql = Buffer.from("ROLLBACK\0");
  const query = Buffer.alloc(5 + sql.length);
  query[0] = 0x51;
  query.writeInt32BE(4 + sql.length, 1);
  sql.copy(query, 5);
  for (const message of [sync, query]) await db.execProtocolRaw(new Uint8Array(message)).catch(() => undefined);
}

/** A FATAL ErrorResponse (SQLSTATE 53300, too_many_connections) saying why. */
function tooManyConnections(): Buffer {
  const fields = [
    "SFATAL",
    "VFATAL",
    "C53300",
    "Mshipgate serves the embedded PGlite database to one connection at a time, and another one is still open",
    "Huse a single connection (a pool of size 1) in the previous release's test command, or verify on a server with --database",
  ];
  const body = Buffer.concat([...fields.map((field) => Buffer.from(`${field}\0`, "utf8")), Buffer.from([0])]);
  const header = Buffer.alloc(5);
  header[0] = 0x45;
  header.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([header, body]);
}
