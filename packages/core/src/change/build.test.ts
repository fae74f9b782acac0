import { describe, expect, it } from "vitest";
import { createRepo } from "@shipgate/test-utils";
import { openRepo } from "../git/repo.js";
import { buildRangeChange, buildStagedChange, currentBranch } from "./build.js";

describe("openRepo with HEAD", () => {
  it("reads HEAD's commit and branch with the repository, detached or not, and leaves them to the caller before the first commit and in a bare repository", async () => {
    const repo = createRepo({ files: { "a.txt": "a\n" } });
    const head = repo.git("rev-parse", "HEAD");
    expect((await openRepo(repo.dir, repo.env, { head: true })).head).toEqual({ commit: head, branch: "refs/heads/main" });
    repo.git("checkout", "-q", "--detach");
    expect((await openRepo(repo.dir, repo.env, { head: true })).head).toEqual({ commit: head, branch: null });
    const unborn = createRepo();
    const opened = await openRepo(unborn.dir, unborn.env, { head: true });
    expect(opened.head).toBeUndefined();
    expect(opened.topLevel).toBe(unborn.dir);
    expect(await currentBranch(opened)).toBe("refs/heads/main");
    const bare = createRepo({ bare: true });
    const openedBare = await openRepo(bare.dir, bare.env, { head: true });
    expect(openedBare.bare).toBe(true);
    expect(openedBare.head).toBeUndefined();
  });
});

describe("buildStagedChange", () => {
  it("gives each staged file its blob's size, from loose objects and from packed ones alike", async () => {
    const repo = createRepo({ files: { "kept.txt": "kept\n" } });
    const noise = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919 + (i >> 3) * 104729) % 251));
    const files = { "small.txt": "a\n", "empty.txt": "", "noise.bin": noise, "text.md": "line\n".repeat(30_000) };
    repo.write(files);
    repo.git("add", "-A");
    const sizes = async () => Object.fromEntries((await buildStagedChange(await openRepo(repo.dir, repo.env))).files.map((f) => [f.path, f.size]));
    const expected = { "small.txt": 2, "empty.txt": 0, "noise.bin": noise.length, "text.md": 150_000 };
    expect(await sizes()).toEqual(expected);
    repo.git("repack", "-adq");
    repo.git("prune-packed");
    expect(repo.git("count-objects")).toMatch(/^0 objects/);
    expect(await sizes()).toEqual(expected);
  });

  it("reads staged blobs, not the work tree, before the first commit", async () => {
    const repo = createRepo();
    repo.write({ "a.txt": "one\ntwo\n" });
    repo.git("add", "a.txt");
    repo.write({ "a.txt": "one\ntwo\nunstaged\n" });
    const change = await buildStagedChange(await openRepo(repo.dir, repo.env));
    expect(change.files.map((f) => [f.path, f.status, f.addedLines.map((l) => l.text)])).toEqual([["a.txt", "A", ["one", "two"]]]);
    expect(change.files[0]?.size).toBe(8);
  });

  it("keeps exact names with spaces, newlines, quotes and unicode, and reports renames and deletions", async () => {
    const repo = createRepo({ files: { "old name.txt": "same content here\nline two\nline three\n", "gone.txt": "bye\n" } });
    repo.git("mv", "old name.txt", 'new\nname "q" ü.txt');
    repo.git("rm", "-q", "gone.txt");
    repo.write({ "привет $(id).js": "const a = 1;\n" });
    repo.git("add", "-A");
    const change = await buildStagedChange(await openRepo(repo.dir, repo.env));
    const byPath = Object.fromEntries(change.files.map((f) => [f.path, f]));
    expect(byPath['new\nname "q" ü.txt']?.status).toBe("R");
    expect(byPath['new\nname "q" ü.txt']?.oldPath).toBe("old name.txt");
    expect(byPath["gone.txt"]?.status).toBe("D");
    expect(byPath["привет $(id).js"]?.addedLines).toEqual([{ line: 1, text: "const a = 1;" }]);
  });

  it("shows a name that is not UTF-8 byte for byte, keeps its exact bytes, and still finds its added lines", async () => {
    const repo = createRepo({ files: { "x.txt": "x\n" } });
    const name = Buffer.from("d/caf\xe9 \xff.txt", "latin1");
    const blob = repo.gitRaw(["hash-object", "-w", "--stdin"], { input: "first\nsecond\n" }).stdout.trim();
    repo.gitRaw(["update-index", "--add", "-z", "--index-info"], { input: Buffer.concat([Buffer.from(`100644 ${blob}\t`), name, Buffer.from([0])]) });
    const change = await buildStagedChange(await openRepo(repo.dir, repo.env));
    const file = change.files.find((f) => f.pathBytes.equals(name));
    expect(file?.path).toBe("d/caf\\351 \\377.txt");
    expect(file?.addedLines.map((l) => l.text)).toEqual(["first", "second"]);
  });

  it("marks binary files, symlinks and submodules", async () => {
    const repo = createRepo({ files: { "x.txt": "x\n" } });
    repo.write({ "img.bin": Buffer.from([0, 1, 2, 3, 0, 255]), link: { symlink: "x.txt" } });
    repo.git("add", "-A");
    repo.git("update-index", "--add", "--cacheinfo", `160000,${repo.git("rev-parse", "HEAD")},sub`);
    const change = await buildStagedChange(await openRepo(repo.dir, repo.env));
    const byPath = Object.fromEntries(change.files.map((f) => [f.path, f]));
    expect(byPath["img.bin"]?.binary).toBe(true);
    expect(byPath["link"]?.kind).toBe("symlink");
    expect(byPath["sub"]?.kind).toBe("submodule");
    expect(byPath["sub"]?.addedLines).toEqual([]);
  });
});

describe("buildRangeChange", () => {
  it("takes a commit that adds more files than a function call takes arguments, and a tag to such a tree", async () => {
    const repo = createRepo({ files: { "a.txt": "a\n" } });
    const base = repo.git("rev-parse", "HEAD");
    const blob = repo.gitRaw(["hash-object", "-w", "--stdin"], { input: "x\n" }).stdout.trim();
    const count = 140_000;
    const listing = Array.from({ length: count }, (_, i) => `100644 blob ${blob}\tf${String(i).padStart(6, "0")}.txt\n`).join("");
    const tree = repo.gitRaw(["mktree"], { input: listing }).stdout.trim();
    const commit = repo.gitRaw(["commit-tree", tree, "-p", base, "-m", "feat: vendor everything"]).stdout.trim();
    const repoHandle = await openRepo(repo.dir, repo.env);
    const change = await buildRangeChange(
      repoHandle,
      [
        { name: "refs/heads/main", oldOid: base, newOid: commit },
        { name: "refs/tags/snapshot", oldOid: "0".repeat(40), newOid: tree },
      ],
      { stage: "pre-push", known: [base] },
    );
    expect(change.commits.map((c) => c.oid)).toEqual([commit]);
    expect(change.files.filter((f) => f.commit === commit && f.status === "A")).toHaveLength(count);
    expect(change.files.filter((f) => f.commit === tree)).toHaveLength(count);
    expect(change.files.at(-1)?.addedLines).toEqual([{ line: 1, text: "x" }]);
    change.objects.close();
  }, 120_000);

  it("sees content that exists only in a merge resolution", async () => {
    const repo = createRepo({ files: { "f.txt": "a\nb\n" } });
    const base = repo.git("rev-parse", "HEAD");
    repo.git("checkout", "-q", "-b", "side");
    repo.commit("feat: side", { "f.txt": "a\nb\nside\n" });
    repo.git("checkout", "-q", "main");
    repo.commit("feat: main", { "f.txt": "main\na\nb\n" });
    repo.gitRaw(["merge", "-q", "--no-commit", "side"]);
    repo.write({ "f.txt": "main\na\nb\nside\nRESOLUTION\n" });
    repo.git("add", "f.txt");
    repo.git("commit", "-q", "--no-verify", "-m", "Merge branch 'side'");
    const merge = repo.git("rev-parse", "HEAD");
    const change = await buildRangeChange(await openRepo(repo.dir, repo.env), [{ name: "refs/heads/main", oldOid: base, newOid: merge }], {
      stage: "ci",
      known: [base],
    });
    expect(change.commits).toHaveLength(3);
    const mergeFiles = change.files.filter((f) => f.commit === merge);
    expect(mergeFiles.map((f) => f.addedLines)).toEqual([[{ line: 5, text: "RESOLUTION" }]]);
    expect(change.refs[0]?.forced).toBe(false);
    expect(change.refs[0]?.commits).toHaveLength(3);
  });

  it("detects a rewrite and decodes messages with an encoding header", async () => {
    const repo = createRepo({ files: { "a.txt": "1\n" } });
    const first = repo.commit("feat: one", { "a.txt": "2\n" });
    repo.git("reset", "-q", "--hard", "HEAD~1");
    repo.git("config", "i18n.commitEncoding", "ISO-8859-1");
    repo.write({ "a.txt": "3\n" });
    repo.git("add", "a.txt");
    repo.gitRaw(["commit", "-q", "--no-verify", "-F", "-"], { input: Buffer.from("fix: caf\xe9\n", "latin1") });
    const second = repo.git("rev-parse", "HEAD");
    const change = await buildRangeChange(await openRepo(repo.dir, repo.env), [{ name: "refs/heads/main", oldOid: first, newOid: second }], {
      stage: "ci",
      known: [first],
    });
    expect(change.refs[0]?.forced).toBe(true);
    expect(change.commits.map((c) => [c.encoding, c.message])).toEqual([["ISO-8859-1", "fix: café\n"]]);
  });

  it("carries the messages of annotated tags the refs point at, through a tag of a tag, and none for lightweight tags", async () => {
    const repo = createRepo({ files: { "a.txt": "a\n" } });
    const head = repo.git("rev-parse", "HEAD");
    repo.git("tag", "-a", "v1", "-m", "first release\n\nwith notes");
    repo.git("tag", "-a", "v1-signed-off", "-m", "a tag of a tag", "v1");
    repo.git("tag", "light");
    const [v1, outer] = [repo.git("rev-parse", "v1"), repo.git("rev-parse", "v1-signed-off")];
    const zero = "0".repeat(40);
    const change = await buildRangeChange(
      await openRepo(repo.dir, repo.env),
      [
        { name: "refs/tags/v1-signed-off", oldOid: zero, newOid: outer },
        { name: "refs/tags/light", oldOid: zero, newOid: head },
      ],
      { stage: "pre-push", known: [] },
    );
    expect(change.tags.map((t) => [t.ref, t.oid, t.name, t.targetType, t.message, t.tagger?.email])).toEqual([
      ["refs/tags/v1-signed-off", outer, "v1-signed-off", "tag", "a tag of a tag\n", "committer@example.com"],
      ["refs/tags/v1-signed-off", v1, "v1", "commit", "first release\n\nwith notes\n", "committer@example.com"],
    ]);
    change.objects.close();
  });

  it("works in a SHA-256 repository with 64-hex zero ids", async () => {
    const repo = createRepo({ objectFormat: "sha256", files: { "a.txt": "x\n" } });
    const head = repo.git("rev-parse", "HEAD");
    const opened = await openRepo(repo.dir, repo.env);
    expect(opened.zeroOid).toHaveLength(64);
    const change = await buildRangeChange(opened, [{ name: "refs/heads/new", oldOid: opened.zeroOid, newOid: head }], { stage: "ci", known: [] });
    expect(change.refs[0]?.created).toBe(true);
    expect(change.files.map((f) => f.path)).toEqual(["a.txt"]);
  });
});

describe("latestVersions", () => {
  it("keeps each path's newest version across a range and drops paths deleted or renamed away", async () => {
    const { latestVersions } = await import("./types.js");
    const repo = createRepo({ files: { "a.js": "1\n", "b.js": "1\n", "c.js": "1\n" } });
    const base = repo.git("rev-parse", "HEAD");
    repo.commit("feat: two", { "a.js": "2\n" });
    repo.git("rm", "-q", "b.js");
    repo.git("mv", "c.js", "d.js");
    repo.commit("feat: three", { "a.js": "3\n" });
    const head = repo.git("rev-parse", "HEAD");
    const change = await buildRangeChange(await openRepo(repo.dir, repo.env), [{ name: "HEAD", oldOid: base, newOid: head }], { stage: "ci", known: [base] });
    const latest = latestVersions(change.files);
    expect(latest.map((f) => [f.path, f.commit])).toEqual([
      ["a.js", head],
      ["d.js", head],
    ]);
  });
});
