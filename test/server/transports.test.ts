import { existsSync, readdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "@shipgate/test-utils";
import { ensureBuilt, installTarballs } from "@shipgate/test-utils/pack";
import { startGitHttp, startSshd } from "@shipgate/test-utils/servers";
import { createGate, createWorkRepo, push } from "./fixture.js";

const CONFIG = `
policies:
  commit-message: error
  forbidden-paths: error
server:
  bypassUsers: [alice]
`;

let adminShipgate = "";

beforeAll(async () => {
  await ensureBuilt();
  // The server admin's install: the packed tarballs, installed with npm into a fresh prefix.
  const prefix = tempDir("shipgate-admin-");
  await installTarballs(prefix, ["shipgate", "@shipgate/server"]);
  adminShipgate = join(prefix, "node_modules", ".bin", "shipgate");
}, 600_000);

describe("pushes over ssh to hooks installed from the npm tarballs", () => {
  it("installs a server without eslint or prettier", () => {
    const modules = join(adminShipgate, "..", "..");
    expect(existsSync(join(modules, "@shipgate", "server", "bin.js"))).toBe(true);
    expect(readdirSync(modules)).not.toContain("eslint");
    expect(readdirSync(modules)).not.toContain("prettier");
  });

  it("shows the pusher every problem as remote: lines, moves no ref, keeps refused objects out, and knows the key's user", async () => {
    const sshd = await startSshd({ keyEnvironment: { SHIPGATE_USER: "alice" } });
    const gate = createGate(CONFIG, { shipgate: adminShipgate });
    const local = createWorkRepo();
    const url = sshd.url(gate.remote.dir);
    const first = push(local, url, ["main"], sshd.clientEnv);
    expect(first.stderr).toContain("remote: shipgate: checked 1 ref and 1 new commit");
    expect(first.code).toBe(0);
    const bad = local.commit("oops", { "server.key": "k\n" });
    const refused = push(local, url, ["main"], sshd.clientEnv);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`remote: error [commit-message] line 1 commit ${bad.slice(0, 12)}`);
    expect(refused.stderr).toContain("remote: error [forbidden-paths] server.key");
    expect(refused.stderr).toContain("refs/heads/main:refs/heads/main\t[remote rejected] (pre-receive hook declined)");
    expect(gate.has(bad)).toBe(false);
    expect(gate.refs()).not.toContain(bad);
    // The authorized key names its user; the pusher cannot claim another one over ssh.
    const bypass = push(local, url, ["-o", "shipgate.bypass=release blocker", "main"], { ...sshd.clientEnv, SHIPGATE_USER: "mallory" });
    expect(bypass.code).toBe(0);
    expect(gate.audit().at(-1)).toMatchObject({ verdict: "bypassed", user: "alice", bypass: { reason: "release blocker", granted: true } });
    expect(gate.refs()).toContain(bad);
  });
});

describe("pushes over smart HTTP (nginx + fcgiwrap + git-http-backend)", () => {
  it("refuses with remote: lines and takes the pusher from REMOTE_USER", async () => {
    const gate = createGate(CONFIG);
    // git-http-backend serves repositories below GIT_PROJECT_ROOT; the gate's repository is linked there.
    const root = tempDir("shipgate-www-");
    symlinkSync(gate.remote.dir, join(root, "app.git"));
    const http = await startGitHttp({ projectRoot: root, users: { alice: "s3cret", bob: "hunter2" } });
    const local = createWorkRepo();
    expect(push(local, http.url("app.git", "bob"), ["main"]).code).toBe(0);
    const bad = local.commit("no type");
    const refused = push(local, http.url("app.git", "bob"), ["-o", "shipgate.bypass=please", "main"]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`remote: error [commit-message] line 1 commit ${bad.slice(0, 12)}`);
    expect(refused.stderr).toContain("remote: shipgate: bypass refused: bob is not listed in server.bypassUsers");
    expect(gate.has(bad)).toBe(false);
    expect(gate.refs()).not.toContain(bad);
    const bypassed = push(local, http.url("app.git", "alice"), ["-o", "shipgate.bypass=please", "main"]);
    expect(bypassed.code).toBe(0);
    expect(gate.audit().map((entry) => [entry["verdict"], entry["user"]])).toEqual([
      ["accepted", "bob"],
      ["refused", "bob"],
      ["bypassed", "alice"],
    ]);
  });
});
