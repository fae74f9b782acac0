/**
 * Real git servers on loopback for end-to-end tests: openssh-server with a temporary host key and an authorized
 * key for a test user, and nginx + fcgiwrap + git-http-backend (smart HTTP, basic auth giving REMOTE_USER).
 * Everything lives in a temporary directory and is killed when the test (or the caller's stop()) ends.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { userInfo } from "node:os";
import { join } from "node:path";
import { onTestFinished } from "vitest";
import { tempDir } from "./index.js";

export interface RunningServer {
  /** Stops every process the server started (idempotent). */
  stop(): Promise<void>;
}

export interface SshServer extends RunningServer {
  port: number;
  user: string;
  /** `ssh://user@127.0.0.1:port/<absolute path>` for a repository on this machine. */
  url(repoPath: string): string;
  /** Environment for git clients: GIT_SSH_COMMAND with the test key, no known_hosts, batch mode. */
  clientEnv: Record<string, string>;
}

export interface SshOptions {
  /** Environment the authorized key sets for the session (authorized_keys `environment=`), e.g. SHIPGATE_USER. */
  keyEnvironment?: Record<string, string>;
}

/** Starts sshd on a free loopback port that lets the current user in with a fresh key. */
export async function startSshd(options: SshOptions = {}): Promise<SshServer> {
  const dir = tempDir("shipgate-sshd-");
  const keygen = (file: string) => execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "shipgate-test", "-f", file]);
  keygen(join(dir, "host_key"));
  keygen(join(dir, "client_key"));
  const env = Object.entries(options.keyEnvironment ?? {});
  const keyOptions = env.map(([key, value]) => `environment="${key}=${value}"`).join(",");
  writeFileSync(join(dir, "authorized_keys"), `${keyOptions}${keyOptions === "" ? "" : " "}${readFileSync(join(dir, "client_key.pub"), "utf8")}`, {
    mode: 0o600,
  });
  const user = userInfo().username;
  const port = await freePort();
  writeFileSync(
    join(dir, "sshd_config"),
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${join(dir, "host_key")}`,
      `PidFile ${join(dir, "sshd.pid")}`,
      `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
      "StrictModes no",
      "PubkeyAuthentication yes",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "UsePAM no",
      "PermitRootLogin prohibit-password",
      `AllowUsers ${user}`,
      `PermitUserEnvironment ${env.length > 0 ? env.map(([key]) => key).join(",") : "no"}`,
      "AcceptEnv LANG",
      "LogLevel ERROR",
      "",
    ].join("\n"),
  );
  if (process.getuid?.() === 0) mkdirSync("/run/sshd", { recursive: true }); // privilege separation directory
  const child = spawn("/usr/sbin/sshd", ["-D", "-e", "-f", join(dir, "sshd_config")], { stdio: ["ignore", "ignore", "pipe"] });
  const server = track(child, "sshd");
  await waitForPort(port, child, server.log);
  const ssh = [
    "ssh",
    `-i ${join(dir, "client_key")}`,
    `-p ${port}`,
    "-o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR",
  ].join(" ");
  const result: SshServer = {
    port,
    user,
    url: (repoPath) => `ssh://${user}@127.0.0.1:${port}${repoPath}`,
    clientEnv: { GIT_SSH_COMMAND: ssh },
    stop: server.stop,
  };
  stopWithTest(result);
  return result;
}

export interface HttpServer extends RunningServer {
  port: number;
  /** `http://user:password@127.0.0.1:port/<name>` for a repository under the project root. */
  url(name: string, user?: string): string;
}

export interface HttpOptions {
  /** Directory whose repositories git-http-backend serves (GIT_PROJECT_ROOT). */
  projectRoot: string;
  /** Users allowed in with basic auth: name -> password; the name reaches hooks as REMOTE_USER. */
  users: Record<string, string>;
}

/** Starts fcgiwrap and nginx serving git-http-backend over smart HTTP with basic auth. */
export async function startGitHttp(options: HttpOptions): Promise<HttpServer> {
  const dir = tempDir("shipgate-http-");
  for (const sub of ["body", "fastcgi", "proxy", "uwsgi", "scgi"]) mkdirSync(join(dir, "tmp", sub), { recursive: true });
  writeFileSync(
    join(dir, "htpasswd"),
    Object.entries(options.users)
      .map(([user, password]) => `${user}:{PLAIN}${password}\n`)
      .join(""),
  );
  const socket = join(dir, "fcgiwrap.sock");
  // Its own process group: fcgiwrap's -c 4 workers outlive a parent stopped alone, so stop() signals the group.
  const fcgi = spawn("/usr/sbin/fcgiwrap", ["-c", "4", "-s", `unix:${socket}`], { stdio: ["ignore", "ignore", "pipe"], detached: true });
  const fcgiServer = track(fcgi, "fcgiwrap", { group: true });
  await waitFor(() => {
    try {
      execFileSync("test", ["-S", socket]);
      return true;
    } catch {
      return false;
    }
  }, fcgiServer.log);
  const port = await freePort();
  const backend = execFileSync("git", ["--exec-path"], { encoding: "utf8" }).trim() + "/git-http-backend";
  const param = (key: string, value: string) => `      fastcgi_param ${key} ${value};`;
  writeFileSync(
    join(dir, "nginx.conf"),
    [
      ...(process.getuid?.() === 0 ? ["user root root;"] : []),
      "worker_processes 1;",
      "daemon off;",
      `pid ${join(dir, "nginx.pid")};`,
      `error_log ${join(dir, "error.log")} warn;`,
      "events { worker_connections 64; }",
      "http {",
      "  access_log off;",
      ...["body", "fastcgi", "proxy", "uwsgi", "scgi"].map((sub) => `  ${sub === "body" ? "client_body" : sub}_temp_path ${join(dir, "tmp", sub)};`),
      "  server {",
      `    listen 127.0.0.1:${port};`,
      "    client_max_body_size 0;",
      "    location / {",
      '      auth_basic "git";',
      `      auth_basic_user_file ${join(dir, "htpasswd")};`,
      `      fastcgi_pass unix:${socket};`,
      param("SCRIPT_FILENAME", backend),
      param("GIT_PROJECT_ROOT", options.projectRoot),
      param("GIT_HTTP_EXPORT_ALL", '""'),
      param("PATH_INFO", "$uri"),
      param("REMOTE_USER", "$remote_user"),
      param("REMOTE_ADDR", "$remote_addr"),
      param("QUERY_STRING", "$query_string"),
      param("REQUEST_METHOD", "$request_method"),
      param("CONTENT_TYPE", "$content_type"),
      param("CONTENT_LENGTH", "$content_length"),
      param("HTTP_CONTENT_ENCODING", "$http_content_encoding"),
      param("GIT_PROTOCOL", "$http_git_protocol"),
      param("PATH", "/usr/local/bin:/usr/bin:/bin"),
      "    }",
      "  }",
      "}",
      "",
    ].join("\n"),
  );
  const nginx = spawn("/usr/sbin/nginx", ["-e", join(dir, "error.log"), "-p", dir, "-c", join(dir, "nginx.conf")], { stdio: ["ignore", "ignore", "pipe"] });
  const nginxServer = track(nginx, "nginx");
  await waitForPort(port, nginx, () => nginxServer.log() + safeRead(join(dir, "error.log")));
  const result: HttpServer = {
    port,
    url: (name, user) => {
      const login = user ?? Object.keys(options.users)[0] ?? "";
      return `http://${encodeURIComponent(login)}:${encodeURIComponent(options.users[login] ?? "")}@127.0.0.1:${port}/${name}`;
    },
    stop: async () => {
      await nginxServer.stop();
      await fcgiServer.stop();
    },
  };
  stopWithTest(result);
  return result;
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** `group`: the child leads its own process group (spawned detached), and stop() signals all of it. */
function track(child: ChildProcess, name: string, options: { group?: boolean } = {}): { stop: () => Promise<void>; log: () => string } {
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let stopped = false;
  return {
    log: () => `${name}: ${stderr}`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      const signal = (name: NodeJS.Signals) => {
        if (options.group === true && child.pid !== undefined) {
          try {
            process.kill(-child.pid, name);
          } catch {
            // the group is gone already
          }
        } else child.kill(name);
      };
      if (child.exitCode === null && child.signalCode === null) {
        signal("SIGTERM");
        const timer = setTimeout(() => signal("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      } else if (options.group === true) signal("SIGTERM"); // the leader died on its own: its workers may not have
      if (options.group === true && child.pid !== undefined) await groupGone(child.pid);
    },
  };
}

/** Waits until no process of group `pgid` is left (SIGKILL after 5 s), so stop() returns with every worker gone. */
async function groupGone(pgid: number): Promise<void> {
  const alive = () => {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const deadline = Date.now() + 5000;
  while (alive()) {
    if (Date.now() > deadline) {
      try {
        process.kill(-pgid, "SIGKILL");
      } catch {
        // gone just now
      }
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Registers stop() with the running test when there is one; suites that start servers in beforeAll call stop(). */
function stopWithTest(server: RunningServer): void {
  try {
    onTestFinished(() => server.stop());
  } catch {
    // outside a test: the caller stops it
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  await waitFor(
    () =>
      new Promise<boolean>((resolve) => {
        if (child.exitCode !== null) return resolve(false);
        const socket = createConnection({ port, host: "127.0.0.1" });
        socket.once("connect", () => {
          socket.destroy();
          resolve(true);
        });
        socket.once("error", () => resolve(false));
      }),
    log,
    child,
  );
}

async function waitFor(ready: () => boolean | Promise<boolean>, log: () => string, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (await ready()) return;
    if (child && child.exitCode !== null) throw new Error(`server exited (${child.exitCode}): ${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server did not start within 15s: ${log()}`);
}
