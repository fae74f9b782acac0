import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { gitEnv, run } from "@shipgate/test-utils";
import { ensureBuilt } from "@shipgate/test-utils/pack";
import { createGate, createWorkRepo, install, push, workspaceShipgate } from "./fixture.js";

const BASE = `
policies:
  commit-message: error
  forbidden-paths: error
  file-size:
    max: 1 MB
  protected-refs:
    branches: [main, "release/*"]
    tags: ["v*"]
server:
  bypassUsers: [alice]
`;

beforeAll(async () => {
  await ensureBuilt();
}, 300_000);

describe("pre-receive over a local path", () => {
  it("refuses the whole push, shows every problem with commit, path and fix, and keeps refs and objects out", () => {
    const gate = createGate(BASE);
    const local = createWorkRepo();
    const good = local.git("rev-parse", "HEAD");
    expect(push(local, gate.remote.dir, ["main"]).code).toBe(0);
    const bad = local.commit("added env", { ".env": "SECRET=1\n" });
    local.git("branch", "feat/ok", good);
    const result = push(local, gate.remote.dir, ["main", "feat/ok:refs/heads/feat/ok"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`remote: error [commit-message] line 1 commit ${bad.slice(0, 12)}: header "added env" is not a Conventional Commit`);
    expect(result.stderr).toContain(`remote: error [forbidden-paths] .env commit ${bad.slice(0, 12)}: .env matches the forbidden pattern .env`);
    expect(result.stderr).toMatch(/remote:\s+fix: Remove the file from these commits/);
    expect(result.stderr).toContain("remote: shipgate: push refused: 2 problems in the 1 new commit (nothing was updated)");
    expect(gate.refs()).toBe(`refs/heads/main ${good}`);
    expect(gate.has(bad)).toBe(false);
    expect(gate.audit().at(-1)).toMatchObject({ verdict: "refused", findingCount: 2, refCount: 2 });

    local.git("reset", "-q", "--hard", good);
    const fixed = local.commit("feat: add readme line", { "README.md": "# app\nmore\n" });
    const ok = push(local, gate.remote.dir, ["main"]);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toMatch(/remote: shipgate: checked 1 ref and 1 new commit in \d+ms: ok/);
    expect(gate.refs()).toBe(`refs/heads/main ${fixed}`);
  });

  it("refuses edits and deletions of migrations a release tag contains (migrations-immutable from @shipgate/migrations)", () => {
    const config = BASE.replace("policies:\n", "policies:\n  migrations-immutable: error\n");
    const gate = createGate(`${config}migrations:\n  dirs: [db/migrations]\n  tags: "v*"\n`);
    const local = createWorkRepo();
    local.commit("feat: first migrations", { "db/migrations/001_users.sql": "CREATE TABLE users (id bigint);\n", "db/migrations/002_x.sql": "SELECT 1;\n" });
    local.git("tag", "v1.0.0");
    expect(push(local, gate.remote.dir, ["main", "v1.0.0"]).code).toBe(0);
    const added = local.commit("feat: a new migration", { "db/migrations/003_orders.sql": "CREATE TABLE orders (id bigint);\n" });
    expect(push(local, gate.remote.dir, ["main"]).code).toBe(0);

    const edit = local.commit("fix: edit a released migration", { "db/migrations/001_users.sql": "CREATE TABLE users (id bigint, name text);\n" });
    local.git("rm", "-q", "db/migrations/002_x.sql");
    local.git("commit", "-q", "--no-verify", "-m", "fix: drop a released migration");
    const result = push(local, gate.remote.dir, ["main"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(
      `remote: error [migrations-immutable] db/migrations/001_users.sql commit ${edit.slice(0, 12)} refs/heads/main: changes migration db/migrations/001_users.sql, which release v1.0.0 already contains`,
    );
    expect(result.stderr).toContain("deletes migration db/migrations/002_x.sql, which release v1.0.0 already contains");
    expect(result.stderr).toMatch(/remote:\s+fix: Released migrations have run in production/);
    expect(gate.refs()).toContain(`refs/heads/main ${added}`);
  });

  it("sees a forbidden file that exists only in a merge resolution", () => {
    const gate = createGate(BASE);
    const local = createWorkRepo();
    push(local, gate.remote.dir, ["main"]);
    local.git("checkout", "-q", "-b", "side");
    local.commit("feat: side", { "side.txt": "s\n" });
    local.git("checkout", "-q", "main");
    local.commit("feat: main", { "main.txt": "m\n" });
    local.git("merge", "-q", "--no-ff", "--no-commit", "side");
    local.write({ id_rsa: "-----BEGIN OPENSSH PRIVATE KEY-----\n" });
    local.git("add", "id_rsa");
    local.git("commit", "-q", "--no-verify", "-m", "Merge branch 'side'");
    const merge = local.git("rev-parse", "HEAD");
    const result = push(local, gate.remote.dir, ["main"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`remote: error [forbidden-paths] id_rsa commit ${merge.slice(0, 12)}`);
  });

  it("refuses force-pushing or deleting a protected branch and moving or deleting a release tag, but allows creating tags", () => {
    const gate = createGate(BASE);
    const local = createWorkRepo();
    const first = local.git("rev-parse", "HEAD");
    local.commit("feat: two", { "b.txt": "b\n" });
    local.git("tag", "v1.0.0", first);
    local.git("branch", "release/1", first);
    expect(push(local, gate.remote.dir, ["main", "release/1", "v1.0.0"]).code).toBe(0);
    const before = gate.refs();
    local.git("reset", "-q", "--hard", first);
    const rewritten = local.commit("feat: rewritten", { "c.txt": "c\n" });
    const force = push(local, gate.remote.dir, ["--force", "main"]);
    expect(force.stderr).toContain("remote: error [protected-refs] commit");
    expect(force.stderr).toContain("branch main is protected: this push rewrites its history");
    expect(push(local, gate.remote.dir, [":release/1"]).stderr).toContain("branch release/1 is protected and cannot be deleted");
    local.git("tag", "-f", "v1.0.0", rewritten);
    expect(push(local, gate.remote.dir, ["--force", "refs/tags/v1.0.0"]).stderr).toContain("release tag v1.0.0 is immutable");
    expect(push(local, gate.remote.dir, [":refs/tags/v1.0.0"]).stderr).toContain("release tag v1.0.0 is immutable and cannot be deleted");
    expect(gate.refs()).toBe(before);
    expect(gate.has(rewritten)).toBe(false);
    local.git("tag", "v1.1.0", local.git("rev-parse", "HEAD~1"));
    expect(push(local, gate.remote.dir, ["refs/tags/v1.1.0"]).code).toBe(0);
  });

  it("honours a bypass only from a listed user with a reason, and writes every attempt to the audit log", () => {
    const gate = createGate(BASE);
    const local = createWorkRepo();
    push(local, gate.remote.dir, ["main"]);
    const bad = local.commit("wip");
    const denied = push(local, gate.remote.dir, ["-o", "shipgate.bypass=hotfix", "main"], { SHIPGATE_USER: "mallory" });
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain("remote: shipgate: bypass refused: mallory is not listed in server.bypassUsers");
    const noReason = push(local, gate.remote.dir, ["-o", "shipgate.bypass", "main"], { SHIPGATE_USER: "alice" });
    expect(noReason.stderr).toContain("bypass refused: give a reason");
    expect(gate.has(bad)).toBe(false);
    const granted = push(local, gate.remote.dir, ["-o", "shipgate.bypass=incident 42: $(reboot)", "main"], { SHIPGATE_USER: "alice" });
    expect(granted.code).toBe(0);
    expect(granted.stderr).toContain('remote: shipgate: bypass by alice: "incident 42: $(reboot)"');
    expect(gate.refs()).toContain(bad);
    const audit = gate.audit();
    expect(audit.map((entry) => [entry["verdict"], entry["user"], (entry["bypass"] as { granted: boolean } | undefined)?.granted])).toEqual([
      ["accepted", null, undefined],
      ["refused", "mallory", false],
      ["refused", "alice", false],
      ["bypassed", "alice", true],
    ]);
    expect(audit[3]).toMatchObject({ bypass: { reason: "incident 42: $(reboot)" }, findingCount: 1 });
  });

  it("is fail-closed on internal errors by default and fail-open only when configured", () => {
    const closed = createGate(`${BASE}  timeout: 1\n`);
    const local = createWorkRepo();
    const result = push(local, closed.remote.dir, ["main"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("remote: shipgate: internal error: the check took longer than server.timeout (1ms)");
    expect(result.stderr).toContain("fail-closed");
    expect(closed.audit()[0]).toMatchObject({ verdict: "error-refused" });
    expect(closed.refs()).toBe("");
    const open = createGate(`${BASE}  timeout: 1\n  failOpen: true\n`);
    const accepted = push(local, open.remote.dir, ["main"]);
    expect(accepted.code).toBe(0);
    expect(accepted.stderr).toContain("server.failOpen is on");
    expect(open.audit()[0]).toMatchObject({ verdict: "error-accepted" });
    // A server config that cannot be read always refuses, whatever failOpen would have said.
    writeFileSync(open.configFile, "policies: [");
    expect(push(local, open.remote.dir, ["main:refs/heads/other"]).stderr).toContain("invalid YAML");
    expect(open.refs()).not.toContain("refs/heads/other");
  });

  it("keeps a foreign pre-receive hook, replays the same input to it, and restores it on uninstall", () => {
    const gate = createGate(BASE);
    const hook = join(gate.remote.dir, "hooks", "pre-receive");
    const seen = join(gate.remote.dir, "seen.txt");
    const foreign = `#!/bin/sh\ncat > "${seen}"\ngrep -q refs/heads/blocked "${seen}" && { echo "foreign hook says no"; exit 1; }\nexit 0\n`;
    // Uninstall first, so the foreign hook is there before shipgate, as on a server that already had one.
    run(process.execPath, [workspaceShipgate, "server", "uninstall", gate.remote.dir], { cwd: gate.remote.dir });
    writeFileSync(hook, foreign);
    chmodSync(hook, 0o755);
    const out = run(process.execPath, [workspaceShipgate, "server", "install", gate.remote.dir, "--config", gate.configFile], { cwd: gate.remote.dir });
    expect(out.stdout + out.stderr).toContain("kept the existing pre-receive as pre-receive.shipgate-chained");
    const local = createWorkRepo();
    const head = local.git("rev-parse", "HEAD");
    expect(push(local, gate.remote.dir, ["main"]).code).toBe(0);
    expect(readFileSync(seen, "utf8")).toBe(`${"0".repeat(40)} ${head} refs/heads/main\n`);
    const blocked = push(local, gate.remote.dir, ["main:refs/heads/blocked"]);
    expect(blocked.stderr).toContain("remote: foreign hook says no");
    expect(gate.refs()).not.toContain("blocked");
    run(process.execPath, [workspaceShipgate, "server", "uninstall", gate.remote.dir], { cwd: gate.remote.dir });
    expect(readFileSync(hook, "utf8")).toBe(foreign);
    expect(existsSync(`${hook}.shipgate-chained`)).toBe(false);
  });

  it("starts the checker without extra CA certificates and hands NODE_EXTRA_CA_CERTS back to the hook it chains", () => {
    const gate = createGate(BASE);
    const hook = join(gate.remote.dir, "hooks", "pre-receive");
    const seen = join(gate.remote.dir, "seen.txt");
    run(process.execPath, [workspaceShipgate, "server", "uninstall", gate.remote.dir], { cwd: gate.remote.dir });
    writeFileSync(hook, `#!/bin/sh\nprintf '%s' "$NODE_EXTRA_CA_CERTS" > "${seen}"\n`);
    chmodSync(hook, 0o755);
    install(gate.remote.dir, gate.configFile);
    // Node warns at start-up when it loads certificates from a file that is not there: the checker must not.
    const env = gitEnv({ GIT_DIR: gate.remote.dir, NODE_EXTRA_CA_CERTS: "/nonexistent/extra-ca.pem" });
    expect(run(process.execPath, ["-e", ""], { cwd: gate.remote.dir, env }).stderr).toContain("Ignoring extra certs");
    const result = run("sh", [hook], { cwd: gate.remote.dir, env, input: "" });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("shipgate: checked 0 refs");
    expect(result.stderr).not.toContain("Ignoring extra certs");
    expect(readFileSync(seen, "utf8")).toBe("/nonexistent/extra-ca.pem");
  });

  it("starts the checker from the V8 code cache the build wrote, and still loads plugin packages with import()", () => {
    const config = BASE.replace("policies:\n", "policies:\n  migrations-immutable: error\n");
    const gate = createGate(`${config}migrations:\n  dirs: [db/migrations]\n  tags: "v*"\n`);
    const hook = join(gate.remote.dir, "hooks", "pre-receive");
    const env = gitEnv({ GIT_DIR: gate.remote.dir, DEBUG: "shipgate:code-cache" });
    const result = run("sh", [hook], { cwd: gate.remote.dir, env, input: "" });
    expect(result.stderr).toMatch(/^shipgate:code-cache hook\.cjs: cache accepted/m);
    expect(result.stderr).toContain("shipgate: checked 0 refs");
    expect(result.code).toBe(0);
  });

  it("lets a pushed .shipgate.yml add checks when the server allows it, never remove them", () => {
    const gate = createGate(`${BASE}  allowRepoConfig: true\n`);
    const local = createWorkRepo();
    local.commit("chore: config", { ".shipgate.yml": "policies:\n  commit-message: off\n  branch-name:\n    pattern: '^(main|feat/.+)$'\n" });
    expect(push(local, gate.remote.dir, ["main"]).code).toBe(0);
    local.git("checkout", "-q", "-b", "wip-branch");
    const bad = local.commit("no type here");
    const result = push(local, gate.remote.dir, ["wip-branch"]);
    expect(result.stderr).toContain("cannot turn off or loosen commit-message");
    expect(result.stderr).toContain("error [commit-message]");
    expect(result.stderr).toContain('error [branch-name] refs/heads/wip-branch: branch "wip-branch" does not match');
    expect(gate.has(bad)).toBe(false);
  });
});
