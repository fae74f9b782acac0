import { describe, expect, it } from "vitest";
import { createRepo } from "@shipgate/test-utils";
import { openRepo } from "./repo.js";
import { ObjectReader } from "./cat-file.js";

describe("ObjectReader.eachPrefix", () => {
  it("hands over at most the first bytes of each object, in the order asked, and stays in step after a cut one", async () => {
    const repo = createRepo();
    const write = (content: Buffer) => repo.gitRaw(["hash-object", "-w", "--stdin"], { input: content }).stdout.trim();
    const big = Buffer.alloc(3_000_000, 0x61);
    big.write("HEAD", 0);
    const contents = [big, Buffer.from("small\n"), Buffer.alloc(1000, 0x62), Buffer.alloc(1001, 0x63), Buffer.alloc(0)];
    const oids = contents.map(write);
    const opened = await openRepo(repo.dir, repo.env);
    const seen: [number, string, number, number][] = [];
    // The missing id sits between two cut objects: its answer must not be taken for part of the first one's content.
    await new ObjectReader(opened.git).eachPrefix([oids[0], "f".repeat(40), ...oids.slice(1), oids[0]] as string[], 1000, (object, index) =>
      seen.push([index, object?.content.subarray(0, 4).toString("latin1") ?? "missing", object?.content.length ?? -1, object?.size ?? -1]),
    );
    expect(seen).toEqual([
      [0, "HEAD", 1000, 3_000_000],
      [1, "missing", -1, -1],
      [2, "smal", 6, 6],
      [3, "bbbb", 1000, 1000],
      [4, "cccc", 1000, 1001],
      [5, "", 0, 0],
      [6, "HEAD", 1000, 3_000_000],
    ]);
  });
});

describe("ObjectReader.read", () => {
  it("reads objects of every type by id or revision, and answers a name it cannot resolve with null", async () => {
    const repo = createRepo({ files: { "a.txt": "a\n" } });
    repo.git("tag", "-a", "-m", "release", "v1");
    const reader = new ObjectReader((await openRepo(repo.dir, repo.env)).git);
    try {
      const [commit, tree, blob, tag, missing, path] = await Promise.all([
        reader.read("HEAD"),
        reader.read("HEAD^{tree}"),
        reader.read("HEAD:a.txt"),
        reader.read("v1"),
        reader.read("f".repeat(40)),
        reader.read("HEAD:no such file.txt"),
      ]);
      expect([commit?.type, tree?.type, blob?.type, tag?.type]).toEqual(["commit", "tree", "blob", "tag"]);
      expect(blob).toEqual({ oid: repo.git("rev-parse", "HEAD:a.txt"), type: "blob", size: 2, content: Buffer.from("a\n") });
      expect(missing).toBeNull();
      expect(path).toBeNull();
    } finally {
      reader.close();
    }
  });
});
