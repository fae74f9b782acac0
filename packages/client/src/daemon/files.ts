/**
 * Where a repository's lint daemon lives (a directory in the git dir that only the user can open) and the checks
 * that keep the hook from talking to anything the user does not own: the directory, the socket and the token file
 * must belong to the user and be closed to everyone else.
 */
import { lstatSync, mkdirSync, readFileSync, chmodSync, type Stats } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";

export interface DaemonFiles {
  dir: string;
  socket: string;
  /** pid, token and build of the running daemon (0600). */
  info: string;
  log: string;
}

/** The longest socket path every Unix takes (sun_path is 108 bytes on Linux, 104 on macOS, with the NUL). */
export const MAX_SOCKET_PATH = 103;

export function daemonFiles(gitDir: string): DaemonFiles {
  const dir = join(gitDir, "shipgate", "daemon");
  return { dir, socket: join(dir, "lint.sock"), info: join(dir, "daemon.json"), log: join(dir, "daemon.log") };
}

/** Why this platform or path cannot have a daemon, or null when it can. */
export function unsupported(files: DaemonFiles): string | null {
  if (process.platform === "win32" || typeof process.getuid !== "function") return "the lint daemon needs Unix sockets (not on Windows)";
  const length = Buffer.byteLength(files.socket);
  if (length > MAX_SOCKET_PATH) return `its socket path would be ${length} bytes, over the ${MAX_SOCKET_PATH} a Unix socket may have: ${files.socket}`;
  return null;
}

export const DaemonInfo = v.strictObject({
  pid: v.pipe(v.number(), v.integer(), v.minValue(1)),
  token: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  build: v.pipe(v.string(), v.maxLength(4096)),
  /** The daemon's owner tag (machine, pid, start time), so a pid reused by another process is never taken for it. */
  owner: v.pipe(v.string(), v.maxLength(64)),
  startedAt: v.pipe(v.string(), v.maxLength(64)),
});
export type DaemonInfo = v.InferOutput<typeof DaemonInfo>;

/** The running daemon's info when the file is the user's own and private; null when absent; a reason when unsafe. */
export function readInfo(files: DaemonFiles): { info: DaemonInfo } | { absent: true } | { unsafe: string } {
  const dir = privateEntry(files.dir, "directory");
  if (dir !== null) return dir === ABSENT ? { absent: true } : { unsafe: dir };
  const socket = privateEntry(files.socket, "socket");
  if (socket !== null) return socket === ABSENT ? { absent: true } : { unsafe: socket };
  const file = privateEntry(files.info, "file");
  if (file !== null) return file === ABSENT ? { absent: true } : { unsafe: file };
  try {
    const parsed = v.safeParse(DaemonInfo, JSON.parse(readFileSync(files.info, "utf8")));
    return parsed.success ? { info: parsed.output } : { unsafe: `${files.info} is not a daemon's info file` };
  } catch {
    // Being replaced this very moment, or cut short by a crash: no daemon to talk to.
    return { absent: true };
  }
}

const ABSENT = "absent";

/**
 * Null when `path` is the kind of entry expected, owned by this user and closed to group and others (a symlink is
 * never followed); ABSENT when it does not exist; else why it must not be used.
 */
export function privateEntry(path: string, kind: "directory" | "socket" | "file"): string | null {
  let stats: Stats;
  try {
    stats = lstatSync(path);
  } catch {
    return ABSENT;
  }
  const right = kind === "directory" ? stats.isDirectory() : kind === "socket" ? stats.isSocket() : stats.isFile();
  if (!right) return `${path} is not a ${kind}`;
  if (stats.uid !== process.getuid?.()) return `${path} belongs to another user (uid ${stats.uid})`;
  if ((stats.mode & 0o077) !== 0) return `${path} is open to other users (mode ${(stats.mode & 0o777).toString(8)})`;
  return null;
}

/** Creates the daemon's directory (0700), or makes an existing one of the user's private; throws when it is not theirs. */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stats = lstatSync(dir);
  if (!stats.isDirectory() || stats.uid !== process.getuid?.()) throw new Error(`${dir} is not a directory of this user's`);
  if ((stats.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}
