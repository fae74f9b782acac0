import { writeFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt } from "@shipgate/test-utils/pack";
import { createGate, createWorkRepo, push } from "./fixture.js";

const CONFIG = `
policies:
  commit-message: error
  secrets: error
`;

// Fake credentials assembled at run time, so this file holds none that a scanner would take for real.
const GITHUB_TOKEN = ["ghp", "_", "R8kq2Vx7LmP4nT9wZc3Hs6Jd1Fy5Bg0Ne2Ua"].join("");
const GITLAB_TOKEN = ["glpat", "-", "Zx81kLq0Vn3Rt6Yw9Pb2"].join("");
const NPM_TOKEN = ["npm", "_", "Q3w8Er5Ty2Ui7Op4As9Df6Gh1Jk0Lz3Xc8Vb"].join("");
const KEY_HEADER = ["-----BEGIN", "OPENSSH PRIVATE KEY-----"].join(" ");

beforeAll(async () => {
  await ensureBuilt();
}, 300_000);

describe("secrets past the server", () => {
  it("refuses a GitHub token and an OpenSSH private key in files that one NUL byte makes binary, also behind a tag on a blob", () => {
    const gate = createGate(CONFIG);
    const local = createWorkRepo();
    expect(push(local, gate.remote.dir, ["main"]).code).toBe(0);
    const tool = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0]), Buffer.alloc(20_000, 0x90), Buffer.from(`GH=${GITHUB_TOKEN};`)]);
    const key = Buffer.concat([Buffer.from([0]), Buffer.from(`\n${KEY_HEADER}\nb3BlbnNzaC1rZXktdjEAAAAA\n`)]);
    const leak = local.commit("feat: add the tool and its key", { "bin/tool": tool, "keys/deploy.bin": key });
    const blob = local.gitRaw(["hash-object", "-w", "--stdin"], { input: tool }).stdout.trim();
    local.git("tag", "tool-blob", blob);
    const result = push(local, gate.remote.dir, ["main", "tool-blob"]);
    expect(result.code).not.toBe(0);
    const at = 5 + 20_000 + "GH=".length;
    expect(result.stderr).toContain(`remote: error [secrets] bin/tool commit ${leak.slice(0, 12)}: GitHub token found in binary content at byte ${at} (ghp_…)`);
    expect(result.stderr).toContain(`remote: error [secrets] keys/deploy.bin commit ${leak.slice(0, 12)}: private key found in binary content at byte 2`);
    expect(result.stderr).toContain(
      `remote: error [secrets] refs/tags/tool-blob commit ${blob.slice(0, 12)}: GitHub token found in binary content at byte ${at}`,
    );
    expect(gate.refs()).not.toContain(leak);
    expect(gate.refs()).not.toContain("tool-blob");
    expect(gate.has(leak)).toBe(false);
  });

  it("refuses a token in a commit message and in an annotated tag message, and lets both through with messages: false", () => {
    const gate = createGate(CONFIG);
    const local = createWorkRepo();
    expect(push(local, gate.remote.dir, ["main"]).code).toBe(0);
    const leak = local.commit(`fix: deploy script\n\nTested with ${GITLAB_TOKEN} on staging.\n`);
    const commit = push(local, gate.remote.dir, ["main"]);
    expect(commit.code).not.toBe(0);
    expect(commit.stderr).toContain(`remote: error [secrets] line 3 commit ${leak.slice(0, 12)}: GitLab token found in the commit message (glpa…)`);
    expect(commit.stderr).toMatch(/remote:\s+fix: Rotate the credential now .*git rebase -i/);
    expect(gate.has(leak)).toBe(false);

    local.git("reset", "-q", "--hard", "HEAD~1");
    local.git("tag", "-a", "v1.0.0", "-m", `Release 1.0.0\n\nPublished with ${NPM_TOKEN}\n`);
    const tag = push(local, gate.remote.dir, ["v1.0.0"]);
    expect(tag.code).not.toBe(0);
    expect(tag.stderr).toContain("remote: error [secrets] line 3 refs/tags/v1.0.0: npm token found in the message of annotated tag v1.0.0 (npm_…)");
    expect(tag.stderr).toMatch(/remote:\s+fix: .*git tag -f -a v1\.0\.0 /);
    expect(gate.refs()).not.toContain("v1.0.0");

    writeFileSync(gate.configFile, CONFIG.replace("secrets: error", "secrets:\n    messages: false"));
    local.git("reset", "-q", "--hard", leak);
    expect(push(local, gate.remote.dir, ["main", "v1.0.0"]).code).toBe(0);
    expect(gate.refs()).toContain(`refs/heads/main ${leak}`);
  });
});
