/** The daemon's socket is the user's alone, and whatever arrives on it is hostile until checked. */
import { describe, expect, it } from "vitest";
import { chmodSync, lstatSync, readFileSync } from "node:fs";
import { createConnection, type Socket } from "node:net";
import { join } from "node:path";
import { commitFiles, daemonStatus, lintRepo, startDaemon, verdictText } from "@shipgate/test-utils/daemon";
import { currentIdentity } from "./identity.js";
import { DaemonMessage, encodeFrame, FrameReader, type DaemonMessage as Message } from "./protocol.js";

const mode = (path: string) => (lstatSync(path).mode & 0o777).toString(8);

/** A raw connection to the daemon's socket: what it sends back, and whether it closed the connection. */
async function talk(socketPath: string, frames: Buffer[]): Promise<{ messages: Message[]; closed: boolean }> {
  const socket: Socket = createConnection(socketPath);
  const messages: Message[] = [];
  const reader = new FrameReader(
    DaemonMessage,
    (m) => messages.push(m),
    () => undefined,
  );
  socket.on("data", (chunk: Buffer) => reader.push(chunk));
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  for (const frame of frames) socket.write(frame);
  // The daemon answers or hangs up at once; a connection it keeps open is ended from here after a while.
  const closed = await new Promise<boolean>((resolve) => {
    socket.once("close", () => resolve(true));
    setTimeout(() => resolve(false), 3000);
  });
  socket.destroy();
  return { messages, closed };
}

function hello(token: string) {
  return encodeFrame({ type: "hello", protocol: 1, token, build: "x", node: process.version, env: "" });
}

describe("the lint daemon's socket", () => {
  it("is a 0600 socket in a 0700 directory of the user's, beside a 0600 info file", () => {
    const repo = lintRepo();
    startDaemon(repo);
    const dir = join(repo.dir, ".git/shipgate/daemon");
    expect(mode(dir)).toBe("700");
    expect(lstatSync(join(dir, "lint.sock")).isSocket()).toBe(true);
    expect(mode(join(dir, "lint.sock"))).toBe("600");
    expect(mode(join(dir, "daemon.json"))).toBe("600");
    expect(lstatSync(join(dir, "lint.sock")).uid).toBe(process.getuid?.());
  });

  it("is not used when it is open to other users: the hook says why and lints alone, with the same verdict", () => {
    const repo = lintRepo();
    startDaemon(repo);
    const socket = join(repo.dir, ".git/shipgate/daemon/lint.sock");
    chmodSync(socket, 0o666);
    const result = commitFiles(repo, { "a.js": 'console.log("a")\n' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`shipgate: not using the lint daemon: ${socket} is open to other users (mode 666)`);
    expect(verdictText(result.stderr)).toContain("a.js:1:1: Unexpected console statement. (no-console)");
    chmodSync(socket, 0o600);
    expect(daemonStatus(repo)?.requests).toBe(0);
  });

  it("hangs up on a wrong token, a frame over the bound, bytes that are not JSON and a request before the hello", async () => {
    const repo = lintRepo();
    startDaemon(repo);
    const socket = join(repo.dir, ".git/shipgate/daemon/lint.sock");

    const wrong = await talk(socket, [hello("00".repeat(32))]);
    expect(wrong.messages).toEqual([{ type: "refused", reason: "token", detail: "wrong token" }]);
    expect(wrong.closed).toBe(true);

    const huge = Buffer.alloc(4);
    huge.writeUInt32BE(0xffffffff, 0);
    for (const frames of [[huge], [Buffer.from("\u0000\u0000\u0000\u0005{oops")], [encodeFrame({ type: "status" })]]) {
      const answer = await talk(socket, frames);
      expect(answer.messages).toEqual([]);
      expect(answer.closed).toBe(true);
    }
    expect(daemonStatus(repo)?.requests).toBe(0);
    expect(commitFiles(repo, { "b.js": "var b = 1\nexport default b\n" }).status).toBe(0);
    expect(daemonStatus(repo)?.requests).toBe(2);
  });

  it("refuses to lint a file outside its work tree, even for a client with the token", async () => {
    const repo = lintRepo();
    startDaemon(repo);
    const dir = join(repo.dir, ".git/shipgate/daemon");
    const { token, build } = JSON.parse(readFileSync(join(dir, "daemon.json"), "utf8")) as { token: string; build: string };
    const { node, env } = currentIdentity(repo.env);
    const outside = {
      type: "run",
      id: 7,
      request: { tool: "prettier", jobs: [{ cwd: "/etc", requireConfig: false, filePath: "/etc/passwd.js", source: "" }] },
    };
    const answer = await talk(join(dir, "lint.sock"), [encodeFrame({ type: "hello", protocol: 1, token, build, node, env }), encodeFrame(outside)]);
    expect(answer.messages[0]).toEqual({ type: "welcome", pid: expect.any(Number) as number });
    expect(answer.messages[1]).toEqual({ type: "failed", id: 7, message: `/etc is outside the work tree ${repo.dir}` });
  });
});
