import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { gitEnv, run, tempDir } from "@shipgate/test-utils";
import { ensureBuilt } from "@shipgate/test-utils/pack";
import { createGate, createWorkRepo, install, push, workspaceShipgate } from "./fixture.js";

const BASE = `
policies:
  commit-message: error
  forbidden-paths: error
`;

beforeAll(async () => {
  await ensureBuilt();
}, 300_000);

/** Runs the installed pre-receive hook the way git does (in the repository, GIT_DIR set), with `input` on stdin. */
function runHook(repoDir: string, input: string): { code: number; stderr: string } {
  const result = run("sh", [join(repoDir, "hooks", "pre-receive")], { cwd: repoDir, env: gitEnv({ GIT_DIR: repoDir }), input });
  return { code: result.code, stderr: result.stderr + result.stdout };
}

function readAudit(file: string): Record<string, unknown>[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("fail closed means closed", () => {
  it("refuses to install a server config that enables no policy, unless server.allowEmpty says so", () => {
    expect(() => createGate("")).toThrow(/enables no policy.*server\.allowEmpty: true/s);
    expect(() => createGate("policies:\n  secrets: off\nserver:\n  bypassUsers: [alice]\n")).toThrow(/enables no policy/);
    expect(createGate("extends: recommended\n").refs()).toBe("");
    expect(createGate("policies: {}\nserver:\n  allowEmpty: true\n").refs()).toBe("");
  });

  it("refuses every push once the server config is truncated to nothing, names the fix, and records it", () => {
    const gate = createGate(BASE);
    const local = createWorkRepo();
    expect(push(local, gate.remote.dir, ["main"]).code).toBe(0);
    const before = gate.refs();
    writeFileSync(gate.configFile, "");
    const result = push(local, gate.remote.dir, ["main:refs/heads/other"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`remote: shipgate: config error: the server config ${gate.configFile} enables no policy`);
    expect(result.stderr).toContain("server.allowEmpty: true");
    expect(result.stderr).toContain("fail-closed");
    expect(gate.refs()).toBe(before);
    expect(gate.audit().at(-1)).toMatchObject({ verdict: "error-refused", error: expect.stringContaining("enables no policy") });

    writeFileSync(gate.configFile, "policies: {}\nserver:\n  allowEmpty: true\n");
    expect(push(local, gate.remote.dir, ["main:refs/heads/other"]).code).toBe(0);
    expect(gate.audit().at(-1)).toMatchObject({ verdict: "accepted" });
  });

  it("records a push that the chained hook refused as refused-by-chained, with the hook's exit code", () => {
    const gate = createGate(BASE);
    const hook = join(gate.remote.dir, "hooks", "pre-receive");
    run(process.execPath, [workspaceShipgate, "server", "uninstall", gate.remote.dir], { cwd: gate.remote.dir });
    writeFileSync(hook, '#!/bin/sh\ngrep -q refs/heads/blocked && { echo "foreign hook says no"; exit 3; }\nexit 0\n');
    chmodSync(hook, 0o755);
    install(gate.remote.dir, gate.configFile);
    const local = createWorkRepo();
    expect(push(local, gate.remote.dir, ["main"]).code).toBe(0);
    const blocked = push(local, gate.remote.dir, ["main:refs/heads/blocked"]);
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toContain("remote: foreign hook says no");
    expect(gate.refs()).not.toContain("blocked");
    const chained = `${hook}.shipgate-chained`;
    expect(gate.audit().map((entry) => [entry["verdict"], entry["chained"]])).toEqual([
      ["accepted", { hook: chained, exitCode: 0 }],
      ["refused-by-chained", { hook: chained, exitCode: 3 }],
    ]);
  });

  it("writes an audit entry for hook input git would never send, at the default path when the config cannot be read", () => {
    const custom = join(tempDir("shipgate-audit-"), "audit.jsonl");
    const gate = createGate(`${BASE}server:\n  auditLog: ${custom}\n`);
    const bad = runHook(gate.remote.dir, "not a ref update\n");
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("malformed ref update on line 1 of the hook input");
    expect(bad.stderr).toContain("An admin can find the details in the audit log");
    expect(readAudit(custom)).toEqual([
      expect.objectContaining({ verdict: "error-refused", error: expect.stringContaining("malformed ref update on line 1") }),
    ]);

    writeFileSync(gate.configFile, "policies: [");
    const broken = runHook(gate.remote.dir, `${"0".repeat(40)} ${"a".repeat(39)} refs/heads/main\n`);
    expect(broken.code).not.toBe(0);
    expect(broken.stderr).toContain(`the server config could not be read, so this entry went to the default audit log ${gate.auditFile}`);
    expect(gate.audit()).toEqual([expect.objectContaining({ verdict: "error-refused", error: expect.stringContaining("malformed ref update") })]);
    expect(readAudit(custom)).toHaveLength(1);
  });
});
