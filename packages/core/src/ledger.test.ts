import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { createRepo, gitEnv } from "@shipgate/test-utils";
import { Ledger, decodeRefPart, encodeRefPart, isEnvName, isRefNameSafe, ledgerRefs, NOTES_REF } from "./ledger.js";

function ledgerOf(options: { objectFormat?: "sha1" | "sha256" } = {}) {
  const repo = createRepo({ bare: true, ...options });
  return { repo, ledger: Ledger.at(repo.dir, gitEnv(), options.objectFormat ?? "sha1") };
}

describe("ledger ref names", () => {
  it("accepts exactly the tag names git check-ref-format accepts", () => {
    const names = [
      "v1",
      "v1.2.3",
      "release/1.0",
      "a..b",
      ".hidden",
      "x.lock",
      "a/.b",
      "a//b",
      "/a",
      "a/",
      "a.",
      "@",
      "a@{b",
      "a b",
      "a~1",
      "a^",
      "a:b",
      "a?",
      "a*",
      "a[",
      "a\\b",
      "ok-_.x",
      "v1@x",
      "é",
    ];
    for (const name of names) {
      const git = spawnSync("git", ["check-ref-format", `refs/tags/${name}`]).status === 0;
      expect([name, isRefNameSafe(name)]).toEqual([name, git]);
    }
  });

  it("refuses environment names that would not be one safe ref component", () => {
    expect(["production", "staging-eu", "qa.2"].map(isEnvName)).toEqual([true, true, true]);
    expect(["Production", "a..b", "x.lock", "a/b", "", "-x", "a."].map(isEnvName)).toEqual([false, false, false, false, false, false, false]);
    expect(() => ledgerRefs("a/b")).toThrow(/not a valid environment name/);
  });

  it("encodes a tag with slashes as one ref component and decodes it back", () => {
    expect(encodeRefPart("release/1.0%")).toBe("release%2F1.0%25");
    expect(decodeRefPart(encodeRefPart("release/1.0%2F"))).toBe("release/1.0%2F");
    expect(ledgerRefs("production").bad("release/1.0")).toBe("refs/shipgate/production/bad/release%2F1.0");
  });
});

describe("ledger compare-and-swap", () => {
  it("creates a ref only when it does not exist and updates it only from the value it still has", async () => {
    const { ledger } = ledgerOf();
    const refs = ledgerRefs("production");
    const a = await ledger.write("lock a", { owner: "a" });
    const b = await ledger.write("lock b", { owner: "b" });
    expect(await ledger.apply([{ ref: refs.lock, to: a, from: null }])).toBe(true);
    expect(await ledger.apply([{ ref: refs.lock, to: b, from: null }])).toBe(false);
    expect(await ledger.apply([{ ref: refs.lock, to: b, from: b }])).toBe(false);
    expect(await ledger.apply([{ ref: refs.lock, to: null, from: b }])).toBe(false);
    expect((await ledger.entry(refs.lock))?.data).toEqual({ ledger: 1, owner: "a" });
    expect(await ledger.apply([{ ref: refs.lock, to: null, from: a }])).toBe(true);
    expect(await ledger.entry(refs.lock)).toBeNull();
  });

  it("applies every change of a transaction or none of them", async () => {
    const { ledger } = ledgerOf();
    const refs = ledgerRefs("production");
    const one = await ledger.write("one", { n: 1 });
    await ledger.apply([{ ref: refs.frozen, to: one, from: null }]);
    const ok = await ledger.apply([
      { ref: refs.good, to: one, from: null },
      { ref: refs.frozen, to: one, from: null },
    ]);
    expect(ok).toBe(false);
    expect(await ledger.entry(refs.good)).toBeNull();
  });

  it("keeps the commit a release pointer names reachable, reads as its tree, and walks the pointer's earlier values", async () => {
    const repo = createRepo({ files: { "a.txt": "1" } });
    const ledger = Ledger.at(`${repo.dir}/.git`, gitEnv());
    const refs = ledgerRefs("production");
    const v1 = repo.git("rev-parse", "HEAD");
    const v2 = repo.commit("feat: two", { "a.txt": "2" });
    const first = await ledger.write("production good = v1", { tag: "v1", sha: v1 }, [v1]);
    await ledger.apply([{ ref: refs.good, to: first, from: null }]);
    const second = await ledger.write("production good = v2", { tag: "v2", sha: v2 }, [first, v2], v2);
    await ledger.apply([{ ref: refs.good, to: second, from: first }]);
    expect(repo.git("rev-parse", `${refs.good}^{tree}`)).toBe(repo.git("rev-parse", `${v2}^{tree}`));
    expect(repo.git("diff", "--stat", refs.good, v2)).toBe("");
    expect(await ledger.lastGood("production")).toEqual({ tag: "v2", sha: v2 });
    expect((await ledger.history(refs.good, 10)).map((entry) => entry.data["tag"])).toEqual(["v2", "v1"]);
    expect(repo.git("merge-base", "--is-ancestor", v2, refs.good)).toBe("");
  });

  it("writes ledger commits in a SHA-256 repository", async () => {
    const { ledger } = ledgerOf({ objectFormat: "sha256" });
    const oid = await ledger.write("frozen", { reason: "x" });
    expect(oid).toMatch(/^[0-9a-f]{64}$/);
    expect(await ledger.apply([{ ref: ledgerRefs("production").frozen, to: oid, from: null }])).toBe(true);
  });
});

describe("ledger notes", () => {
  it("keeps every writer's line when several processes write records at once", async () => {
    const repo = createRepo({ files: { "a.txt": "1" } });
    const head = repo.git("rev-parse", "HEAD");
    const writers = Array.from({ length: 4 }, () => Ledger.at(`${repo.dir}/.git`, gitEnv()));
    await Promise.all(
      writers.flatMap((ledger, w) =>
        Array.from({ length: 3 }, (_, i) => ledger.editNote(head, (old) => `${old === null ? "" : `${old}\n`}{"w":${w},"i":${i}}`)),
      ),
    );
    const lines = (await writers[0]!.note(head))!.split("\n").filter((line) => line !== "");
    expect(lines).toHaveLength(12);
    expect(repo.git("for-each-ref", "refs/notes/")).toMatch(new RegExp(`^[0-9a-f]{40} commit\\t${NOTES_REF}$`));
  });
});
