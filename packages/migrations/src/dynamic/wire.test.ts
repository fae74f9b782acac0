import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { PGlite } from "@electric-sql/pglite";
import type { Client as PgClient, ClientConfig } from "pg";
import { serveWire } from "./wire.js";

// pg's client class without pg's index (see loadClient in database.ts for why).
const specifier = "pg/lib/client.js";
const Client = ((await import(specifier)) as { default: new (config: ClientConfig) => PgClient }).default;

/** Sends raw bytes and resolves with everything the server answered until it closed or `ms` passed. */
function raw(url: string, bytes: Buffer, ms = 500): Promise<Buffer> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), "127.0.0.1");
    const got: Buffer[] = [];
    const done = () => {
      socket.destroy();
      resolve(Buffer.concat(got));
    };
    socket.on("data", (chunk) => got.push(chunk));
    socket.on("close", done);
    socket.on("error", done);
    socket.write(bytes);
    setTimeout(done, ms);
  });
}

describe("serveWire", () => {
  it("serves PGlite to ordinary clients, one session at a time, each starting clean", async () => {
    const db = await PGlite.create();
    await db.exec("CREATE TABLE t (id int PRIMARY KEY, note text)");
    const wire = await serveWire(db);
    try {
      const first = new Client({ connectionString: wire.url });
      await first.connect();
      await first.query("INSERT INTO t VALUES ($1, $2)", [1, "kept"]);
      expect((await first.query("SELECT note FROM t WHERE id = $1", [1])).rows).toEqual([{ note: "kept" }]);
      await first.end();

      // A client that vanishes inside a transaction leaves nothing behind for the next one.
      const vanishing = new Client({ connectionString: wire.url });
      vanishing.on("error", () => undefined);
      await vanishing.connect();
      await vanishing.query("BEGIN");
      await vanishing.query("INSERT INTO t VALUES (2, 'lost')");
      (vanishing as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();

      const next = new Client({ connectionString: wire.url });
      await next.connect();
      expect((await next.query("SELECT id FROM t ORDER BY id")).rows).toEqual([{ id: 1 }]);
      await next.end();
      expect((await db.query("SELECT count(*)::int AS n FROM t")).rows).toEqual([{ n: 1 }]);
    } finally {
      await wire.close();
      await db.close();
    }
  });

  it("refuses a second connection held open at the same time with an error that says why", async () => {
    const db = await PGlite.create();
    const wire = await serveWire(db);
    try {
      const first = new Client({ connectionString: wire.url });
      await first.connect();
      const second = new Client({ connectionString: wire.url });
      const refused = await second.connect().then(
        () => null,
        (error: Error) => error,
      );
      expect(refused?.message).toMatch(/one connection at a time/);
      expect((await first.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
      await first.end();
    } finally {
      await wire.close();
      await db.close();
    }
  }, 20_000);

  it("answers messages pipelined in one packet up to Terminate, and a message split across many packets", async () => {
    const db = await PGlite.create();
    const wire = await serveWire(db);
    const typed = (type: string, body: Buffer) => {
      const header = Buffer.alloc(5);
      header.write(type, 0, "latin1");
      header.writeInt32BE(4 + body.length, 1);
      return Buffer.concat([header, body]);
    };
    const params = Buffer.from("user\0postgres\0database\0postgres\0\0");
    const startup = Buffer.alloc(8 + params.length);
    startup.writeInt32BE(8 + params.length, 0);
    startup.writeInt32BE(196608, 4);
    params.copy(startup, 8);
    try {
      const long = `SELECT '${"y".repeat(300_000)}' AS big, 42 AS answer\0`;
      const packet = Buffer.concat([startup, typed("Q", Buffer.from(long)), typed("X", Buffer.alloc(0))]);
      const { port } = new URL(wire.url);
      const reply = await new Promise<Buffer>((resolve) => {
        const socket = connect(Number(port), "127.0.0.1");
        const got: Buffer[] = [];
        socket.on("data", (chunk) => got.push(chunk));
        socket.on("close", () => resolve(Buffer.concat(got)));
        // Dribble the bytes in small pieces: the server must join them into whole messages.
        let at = 0;
        const next = () => {
          if (at >= packet.length) return;
          socket.write(packet.subarray(at, at + 4096), next);
          at += 4096;
        };
        next();
      });
      const text = reply.toString("latin1");
      expect(text).toContain("answer");
      expect(text).toContain("SELECT 1");
      expect(text.split("y".repeat(1000)).length).toBeGreaterThan(200);
    } finally {
      await wire.close();
      await db.close();
    }
  }, 20_000);

  it("declines encryption, and drops a client that sends a nonsense length without harming the next", async () => {
    const db = await PGlite.create();
    const wire = await serveWire(db);
    try {
      const ssl = Buffer.alloc(8);
      ssl.writeInt32BE(8, 0);
      ssl.writeInt32BE(80877103, 4);
      expect((await raw(wire.url, ssl, 200)).toString("latin1")).toBe("N");
      const bogus = Buffer.alloc(8);
      bogus.writeInt32BE(-5, 0);
      expect(await raw(wire.url, bogus)).toHaveLength(0);
      const client = new Client({ connectionString: wire.url });
      await client.connect();
      expect((await client.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
      await client.end();
    } finally {
      await wire.close();
      await db.close();
    }
  });
});
