import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createRepo, tempDir, type TestRepo } from "@shipgate/test-utils";
import { openRepo } from "../git/repo.js";
import { buildRangeChange, type RefUpdateInput } from "../change/build.js";
import { validateConfig } from "../config/load.js";
import { runPolicies } from "../run.js";

/** A repo whose commits can be SSH-signed with a trusted key (`trusted`) or an unknown one (`stranger`). */
function sshSigningRepo(): { repo: TestRepo; allowedSigners: string; sign: (key: "trusted" | "stranger", message: string) => string } {
  const keys = tempDir("shipgate-keys-");
  for (const name of ["trusted", "stranger"]) execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", join(keys, name)]);
  const allowedSigners = join(keys, "allowed_signers");
  writeFileSync(allowedSigners, `author@example.com namespaces="git" ${execFileSync("cat", [join(keys, "trusted.pub")], { encoding: "utf8" })}`);
  const repo = createRepo({ files: { "a.txt": "0\n" } });
  repo.git("config", "gpg.format", "ssh");
  repo.git("checkout", "-q", "--detach"); // commits are made off-branch, as a push brings them before refs move
  const sign = (key: "trusted" | "stranger", message: string) => {
    repo.git("-c", `user.signingkey=${join(keys, `${key}.pub`)}`, "commit", "-q", "--allow-empty", "-S", "-m", message);
    return repo.git("rev-parse", "HEAD");
  };
  return { repo, allowedSigners, sign };
}

async function check(repo: TestRepo, updates: RefUpdateInput[], options: Record<string, unknown>) {
  const change = await buildRangeChange(await openRepo(repo.dir, repo.env), updates, { stage: "pre-receive", known: ["--all"] });
  const config = validateConfig({ policies: { "signed-commits": { severity: "error", ...options } } });
  const report = await runPolicies(change, config);
  change.objects.close();
  return report.findings.map((f) => ({ commit: f.commit, ref: f.ref, status: /\((\w)\);/.exec(f.message)?.[1] }));
}

describe("signed-commits", () => {
  it("accepts good SSH signatures and refuses unsigned and untrusted commits on protected branches only", async () => {
    const { repo, allowedSigners, sign } = sshSigningRepo();
    const base = repo.git("rev-parse", "HEAD");
    repo.git("update-ref", "refs/heads/main", base);
    const good = sign("trusted", "feat: good");
    const stranger = sign("stranger", "feat: stranger");
    const unsigned = repo.commit("feat: unsigned");
    const updates = [
      { name: "refs/heads/main", oldOid: base, newOid: unsigned },
      { name: "refs/heads/feat/lax", oldOid: "0".repeat(40), newOid: unsigned },
    ];
    const findings = await check(repo, updates, { allowedSignersFile: allowedSigners });
    expect(findings).toEqual([
      { commit: stranger, ref: "refs/heads/main", status: "U" },
      { commit: unsigned, ref: "refs/heads/main", status: "N" },
    ]);
    expect(findings.map((f) => f.commit)).not.toContain(good);
    expect(await check(repo, updates, { allowedSignersFile: allowedSigners, allowed: ["G", "U", "N"] })).toEqual([]);
  });

  it("checks a commit already on a lax branch when it reaches a protected one", async () => {
    const { repo, allowedSigners, sign } = sshSigningRepo();
    const base = repo.git("rev-parse", "HEAD");
    repo.git("update-ref", "refs/heads/main", base);
    const unsigned = repo.commit("feat: sneaky");
    const tip = sign("trusted", "feat: signed on top");
    repo.git("update-ref", "refs/heads/feat/lax", tip);
    const zero = "0".repeat(40);
    // The commits are no longer new to the repository, yet moving main or creating a release branch checks them.
    const onMain = await check(repo, [{ name: "refs/heads/main", oldOid: base, newOid: tip }], { allowedSignersFile: allowedSigners });
    expect(onMain).toEqual([{ commit: unsigned, ref: "refs/heads/main", status: "N" }]);
    const created = await check(repo, [{ name: "refs/heads/release/1", oldOid: zero, newOid: tip }], { allowedSignersFile: allowedSigners });
    expect(created).toEqual([{ commit: unsigned, ref: "refs/heads/release/1", status: "N" }]);
    // History that a protected branch already holds is not checked again.
    repo.git("update-ref", "refs/heads/main", tip);
    const again = await check(repo, [{ name: "refs/heads/release/2", oldOid: zero, newOid: tip }], { allowedSignersFile: allowedSigners });
    expect(again).toEqual([]);
  });

  it("verifies GPG signatures against the server keyring given as gnupgHome", async () => {
    const signer = tempDir("shipgate-gpg-");
    const server = tempDir("shipgate-gpg-server-");
    const gpg = (home: string, args: string[], input?: string) =>
      execFileSync("gpg", ["--homedir", home, "--batch", ...args], { input, encoding: "utf8", stdio: ["pipe", "pipe", "ignore"] });
    gpg(signer, ["--passphrase", "", "--quick-gen-key", "Test Author <author@example.com>", "ed25519", "sign", "never"]);
    const fingerprint = /fpr:+([0-9A-F]{40}):/.exec(gpg(signer, ["--with-colons", "--list-keys"]))?.[1] ?? "";
    gpg(server, ["--import"], gpg(signer, ["--armor", "--export", fingerprint]));
    const repo = createRepo({ files: { "a.txt": "0\n" } });
    repo.git("checkout", "-q", "--detach");
    const base = repo.git("rev-parse", "HEAD");
    repo.gitRaw(["-c", `user.signingkey=${fingerprint}`, "commit", "-q", "--allow-empty", "-S", "-m", "feat: gpg"], { env: { GNUPGHOME: signer } });
    const signed = repo.git("rev-parse", "HEAD");
    const updates = [{ name: "refs/heads/main", oldOid: base, newOid: signed }];
    // Imported but not trusted: a good signature from an unknown-validity key is U.
    expect(await check(repo, updates, { gnupgHome: server })).toEqual([{ commit: signed, ref: "refs/heads/main", status: "U" }]);
    gpg(server, ["--import-ownertrust"], `${fingerprint}:6:\n`);
    expect(await check(repo, updates, { gnupgHome: server })).toEqual([]);
  });
});
