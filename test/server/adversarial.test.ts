import { existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt } from "@shipgate/test-utils/pack";
import { createGate, createWorkRepo, push } from "./fixture.js";

const CONFIG = `
policies:
  commit-message: error
  forbidden-paths: error
  file-size:
    max: 1 MB
  protected-refs: error
server:
  bypassUsers: [alice]
`;

beforeAll(async () => {
  await ensureBuilt();
}, 300_000);

describe("hostile pushes", () => {
  it("treats ref names with $(...), backticks, quotes and leading dashes as data", () => {
    const gate = createGate(CONFIG);
    const local = createWorkRepo();
    const head = local.git("rev-parse", "HEAD");
    // Ref names cannot hold spaces, so the payloads use ${IFS}; each would create a file if a shell ever ran it.
    const names = ["$(touch${IFS}pwned)", "`touch${IFS}pwned`", `q"u'ote`, "-rf", "a;touch${IFS}pwned|b", "--upload-pack=touch${IFS}pwned"];
    const refspecs = names.map((name) => `${head}:refs/heads/${name}`);
    const ok = push(local, gate.remote.dir, ["main", ...refspecs]);
    expect(ok.code).toBe(0);
    expect(gate.refs().split("\n")).toHaveLength(names.length + 1);
    local.commit("not conventional");
    const refused = push(local, gate.remote.dir, ["HEAD:refs/heads/$(touch${IFS}pwned)"]);
    expect(refused.stderr).toContain("error [commit-message]");
    expect(gate.refs()).not.toContain(local.git("rev-parse", "HEAD"));
    for (const dir of [gate.remote.dir, local.dir, process.cwd()]) expect(existsSync(join(dir, "pwned"))).toBe(false);
  });

  it("reports file names with newlines, shell syntax, leading dashes and non-UTF-8 bytes exactly, without running them", () => {
    const gate = createGate(CONFIG);
    const local = createWorkRepo();
    push(local, gate.remote.dir, ["main"]);
    const latin1 = Buffer.from("caf\xe9", "latin1").toString("latin1");
    local.write({ "$(touch pwned)/.env": "x\n", "-rf/.env": "x\n", "new\nline/.env": "x\n", "`id`.pem": "x\n" });
    local.git("add", "-A");
    // A path with a raw 0xE9 byte, added through the index so the bytes are exact.
    const blob = local.gitRaw(["hash-object", "-w", "--stdin"], { input: "k\n" }).stdout.trim();
    local.gitRaw(["update-index", "--add", "-z", "--index-info"], {
      input: Buffer.concat([Buffer.from(`100644 ${blob}\t`), Buffer.from("d/caf\xe9.key", "latin1"), Buffer.from([0])]),
    });
    local.git("commit", "-q", "--no-verify", "-m", "feat: files");
    const result = push(local, gate.remote.dir, ["main"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("error [forbidden-paths] $(touch pwned)/.env");
    expect(result.stderr).toContain("error [forbidden-paths] -rf/.env");
    expect(result.stderr).toContain("error [forbidden-paths] new\\nline/.env");
    expect(result.stderr).toContain("error [forbidden-paths] `id`.pem");
    // Not UTF-8: each byte from 0x80 up is shown as git shows it (core.quotePath), never as U+FFFD.
    expect(result.stderr).toContain("error [forbidden-paths] d/caf\\351.key");
    expect(result.stderr).toContain("push refused: 5 problems");
    expect(latin1).toHaveLength(4);
    expect(existsSync(join(gate.remote.dir, "pwned"))).toBe(false);
  });

  it("decodes messages with an encoding header and still judges them", () => {
    const gate = createGate(CONFIG);
    const local = createWorkRepo();
    local.git("config", "i18n.commitEncoding", "ISO-8859-1");
    local.gitRaw(["commit", "-q", "--allow-empty", "--no-verify", "-F", "-"], { input: Buffer.from("fix: caf\xe9 cr\xe8me\n", "latin1") });
    expect(push(local, gate.remote.dir, ["main"]).code).toBe(0);
    local.gitRaw(["commit", "-q", "--allow-empty", "--no-verify", "-F", "-"], { input: Buffer.from("d\xe9j\xe0 vu\n", "latin1") });
    const result = push(local, gate.remote.dir, ["main"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('header "déjà vu" is not a Conventional Commit');
  });

  it("checks the content of tags that point straight at a blob or a tree, which no commit diff shows", () => {
    const gate = createGate(CONFIG.replace("policies:\n", "policies:\n  secrets: error\n"));
    const local = createWorkRepo();
    expect(push(local, gate.remote.dir, ["main"]).code).toBe(0);
    const key = ["AKIA", "Q7ZK3MW9TX2RB5NV"].join("");
    const blob = local.gitRaw(["hash-object", "-w", "--stdin"], { input: `id = ${key}\n` }).stdout.trim();
    const tree = local.gitRaw(["mktree"], { input: `100644 blob ${blob}\tcreds.txt\n` }).stdout.trim();
    local.git("tag", "key-blob", blob);
    local.git("tag", "-a", "-m", "annotated", "key-tree", tree);
    const result = push(local, gate.remote.dir, ["key-blob", "key-tree"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`remote: error [secrets] refs/tags/key-blob:1:6 commit ${blob.slice(0, 12)}: AWS access key id`);
    expect(result.stderr).toContain(`remote: error [secrets] creds.txt:1:6 commit ${tree.slice(0, 12)}: AWS access key id`);
    expect(gate.refs()).not.toContain("refs/tags/key");
    expect(gate.has(blob)).toBe(false);

    const clean = local.gitRaw(["hash-object", "-w", "--stdin"], { input: "-----BEGIN PGP PUBLIC KEY BLOCK-----\n" }).stdout.trim();
    local.git("tag", "maintainer-pgp-key", clean);
    expect(push(local, gate.remote.dir, ["maintainer-pgp-key"]).code).toBe(0);
  });

  it("refuses a huge blob and accepts binaries under the limit", () => {
    const gate = createGate(CONFIG);
    const local = createWorkRepo();
    const binary = Buffer.alloc(200_000);
    for (let i = 0; i < binary.length; i++) binary[i] = (i * 7919) % 256;
    local.commit("feat: binary asset", { "logo.bin": binary });
    expect(push(local, gate.remote.dir, ["main"]).code).toBe(0);
    const huge = local.commit("feat: dump", { "dump.sql": "insert into t values (1);\n".repeat(100_000), "blob.bin": Buffer.alloc(3_000_000, 1) });
    const result = push(local, gate.remote.dir, ["main"]);
    expect(result.stderr).toContain("error [file-size] dump.sql");
    expect(result.stderr).toContain("error [file-size] blob.bin");
    expect(gate.has(huge)).toBe(false);
  });

  it("checks thousands of refs in one push and refuses all of them for one bad ref", () => {
    const gate = createGate(CONFIG);
    const local = createWorkRepo();
    const commands = Array.from({ length: 2000 }, (_, i) => `create refs/tags/t${i} HEAD\ncreate refs/heads/b/${i} HEAD`).join("\n");
    local.gitRaw(["update-ref", "--stdin"], { input: commands + "\n" });
    const ok = push(local, gate.remote.dir, ["main", "refs/tags/*:refs/tags/*", "refs/heads/b/*:refs/heads/b/*"]);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toMatch(/checked 4001 refs/);
    local.git("checkout", "-q", "-b", "b/bad");
    local.commit("bad one");
    const updates = Array.from({ length: 2000 }, (_, i) => `create refs/heads/c/${i} HEAD~1`).join("\n");
    local.gitRaw(["update-ref", "--stdin"], { input: updates + "\n" });
    const refused = push(local, gate.remote.dir, ["refs/heads/c/*:refs/heads/c/*", "b/bad"]);
    expect(refused.code).not.toBe(0);
    expect(gate.refs()).not.toContain("refs/heads/c/");
  });

  it("survives odd push option values and never lets them bypass for an unlisted user", () => {
    const gate = createGate(CONFIG);
    const local = createWorkRepo();
    push(local, gate.remote.dir, ["main"]);
    const bad = local.commit("nope");
    const options = [
      "",
      "=",
      "shipgate.bypass",
      "shipgate.bypass=$(id)`id`",
      "shipgate.unknown=1",
      "ü=ß",
      "x".repeat(5000),
      ...Array.from({ length: 50 }, (_, i) => `o${i}=${i}`),
    ];
    const result = push(local, gate.remote.dir, [...options.flatMap((o) => ["-o", o]), "main"], { SHIPGATE_USER: "bob" });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("ignoring unknown push option shipgate.unknown");
    expect(result.stderr).toContain("bypass refused: bob is not listed");
    expect(gate.has(bad)).toBe(false);
    expect(gate.audit().at(-1)).toMatchObject({ verdict: "refused", bypass: { reason: "$(id)`id`", granted: false } });
  });

  it("works in a sha256 repository, with 64-hex zero ids for creation and deletion", () => {
    const gate = createGate(CONFIG, { objectFormat: "sha256" });
    const local = createWorkRepo("sha256");
    local.git("branch", "feat/x");
    expect(push(local, gate.remote.dir, ["main", "feat/x"]).code).toBe(0);
    expect(gate.refs()).toMatch(/refs\/heads\/main [0-9a-f]{64}/);
    expect(push(local, gate.remote.dir, [":feat/x"]).code).toBe(0);
    expect(push(local, gate.remote.dir, [":main"]).stderr).toContain("branch main is protected and cannot be deleted");
    expect(gate.audit().map((entry) => entry["verdict"])).toEqual(["accepted", "accepted", "refused"]);
  });

  it("checks a commit first pushed to a lax branch when it is pushed to a strict one", () => {
    const gate = createGate(
      `${CONFIG}  # strict main\n`
        .replace("commit-message: error", "commit-message:\n    severity: error\n    stages: [pre-receive]")
        .replace("protected-refs: error", "protected-refs: error\n  signed-commits:\n    branches: [main]"),
    );
    const local = createWorkRepo();
    expect(push(local, gate.remote.dir, ["main"]).stderr).toContain("is not signed");
    expect(gate.refs()).toBe("");
    // The same unsigned commit is welcome on a feature branch, then still refused on main although it is no longer new.
    expect(push(local, gate.remote.dir, ["main:refs/heads/feat/lax"]).code).toBe(0);
    const again = push(local, gate.remote.dir, ["main"]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/error \[signed-commits\] commit [0-9a-f]{12} refs\/heads\/main: commit [0-9a-f]{12} is not signed \(N\)/);
  });
});
