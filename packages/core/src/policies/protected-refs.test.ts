import { describe, expect, it } from "vitest";
import { createRepo } from "@shipgate/test-utils";
import { openRepo } from "../git/repo.js";
import { buildRangeChange, type RefUpdateInput } from "../change/build.js";
import { validateConfig } from "../config/load.js";
import { runPolicies } from "../run.js";
import { refMatcher } from "./protected-refs.js";

async function check(dir: string, env: NodeJS.ProcessEnv, updates: RefUpdateInput[], options: Record<string, unknown> = {}) {
  const repo = await openRepo(dir, env);
  const change = await buildRangeChange(repo, updates, { stage: "pre-receive", known: ["--all"] });
  const config = validateConfig({ policies: { "protected-refs": { severity: "error", ...options } } });
  const report = await runPolicies(change, config);
  change.objects.close();
  return report.findings.map((f) => `${f.ref ?? ""}: ${f.message}`);
}

describe("protected-refs", () => {
  it("refuses deleting and force-pushing protected branches but allows fast-forwards and other branches", async () => {
    const repo = createRepo({ files: { "a.txt": "1\n" } });
    const zero = "0".repeat(40);
    const base = repo.git("rev-parse", "HEAD");
    const ahead = repo.commit("feat: two", { "a.txt": "2\n" });
    repo.git("reset", "-q", "--hard", base);
    const rewritten = repo.commit("feat: other", { "a.txt": "3\n" });
    const findings = await check(repo.dir, repo.env, [
      { name: "refs/heads/main", oldOid: ahead, newOid: rewritten },
      { name: "refs/heads/release/1.0", oldOid: base, newOid: zero },
      { name: "refs/heads/master", oldOid: base, newOid: ahead },
      { name: "refs/heads/feat/x", oldOid: ahead, newOid: rewritten },
      { name: "refs/heads/feat/y", oldOid: base, newOid: zero },
    ]);
    expect(findings).toEqual([
      expect.stringMatching(/^refs\/heads\/main: branch main is protected: this push rewrites its history/),
      "refs/heads/release/1.0: branch release/1.0 is protected and cannot be deleted",
    ]);
  });

  it("lets release tags be created but never moved or deleted", async () => {
    const repo = createRepo({ files: { "a.txt": "1\n" } });
    const zero = "0".repeat(40);
    const one = repo.git("rev-parse", "HEAD");
    const two = repo.commit("feat: two", { "a.txt": "2\n" });
    const findings = await check(repo.dir, repo.env, [
      { name: "refs/tags/v1.0.0", oldOid: zero, newOid: one },
      { name: "refs/tags/v1.1.0", oldOid: one, newOid: two },
      { name: "refs/tags/v0.9.0", oldOid: one, newOid: zero },
      { name: "refs/tags/nightly", oldOid: one, newOid: two },
    ]);
    expect(findings).toEqual([
      `refs/tags/v1.1.0: release tag v1.1.0 is immutable: it already points to ${one.slice(0, 12)} and cannot be moved`,
      "refs/tags/v0.9.0: release tag v0.9.0 is immutable and cannot be deleted",
    ]);
  });

  it("matches configured globs against short or full ref names, never by base name", () => {
    const match = refMatcher(["main", "refs/heads/hotfix/*", "release/**"], "refs/heads/");
    expect(match("refs/heads/main")).toBe(true);
    expect(match("refs/heads/feat/main")).toBe(false);
    expect(match("refs/tags/main")).toBe(false);
    expect(match("refs/heads/hotfix/a")).toBe(true);
    expect(match("refs/heads/release/1/2")).toBe(true);
    expect(match("refs/heads/-main")).toBe(false);
  });

  it("uses the configured patterns and 64-hex ids in a sha256 repository", async () => {
    const repo = createRepo({ files: { "a.txt": "1\n" }, objectFormat: "sha256" });
    const zero = "0".repeat(64);
    const one = repo.git("rev-parse", "HEAD");
    expect(one).toHaveLength(64);
    const findings = await check(repo.dir, repo.env, [{ name: "refs/heads/prod", oldOid: one, newOid: zero }], { branches: ["prod"], tags: [] });
    expect(findings).toEqual(["refs/heads/prod: branch prod is protected and cannot be deleted"]);
  });
});
