/**
 * The lint daemon's process (started by ./control.ts, detached, output to its log): `lint-daemon --git-dir G
 * --work-tree W --idle-ms N`. Exits 0 when it stops, 1 when it cannot start, 75 when another daemon already answers.
 */
import { isAbsolute } from "node:path";
import { parseArgs } from "node:util";
import { daemonFiles } from "./files.js";
import { currentIdentity } from "./identity.js";
import { AlreadyRunning, DaemonServer } from "./server.js";

const log = (line: string) => process.stdout.write(`${new Date().toISOString()} [${process.pid}] ${line}\n`);

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { "git-dir": { type: "string" }, "work-tree": { type: "string" }, "idle-ms": { type: "string" } } });
  const gitDir = values["git-dir"] ?? "";
  const workTree = values["work-tree"] ?? "";
  const idleMs = Number(values["idle-ms"]);
  if (!isAbsolute(gitDir) || !isAbsolute(workTree) || !Number.isInteger(idleMs) || idleMs < 1) {
    log("usage: lint-daemon --git-dir <absolute> --work-tree <absolute> --idle-ms <n>");
    return 1;
  }
  // Everything the daemon creates (socket, info file, log) is the user's alone.
  process.umask(0o077);
  const server = new DaemonServer({ files: daemonFiles(gitDir), gitDir, workTree, idleMs, identity: currentIdentity(), log });
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.once(signal, () => void server.stop(`got ${signal}`));
  try {
    log(`starting for ${workTree}`);
    await server.start();
  } catch (error) {
    await server.stop("it could not start");
    if (error instanceof AlreadyRunning) {
      log(error.message);
      return 75;
    }
    log(`cannot start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
  log(`stopped: ${await server.stopped}`);
  return 0;
}

process.exit(await main());
