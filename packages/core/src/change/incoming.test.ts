import { describe, expect, it } from "vitest";
import { createRepo } from "@shipgate/test-utils";
import { openRepo } from "../git/repo.js";
import { parentsFirst, readIncoming } from "./incoming.js";
import type { CommitInfo } from "./types.js";

const person = { name: "", email: "", date: "" };
const info = (oid: string, parents: string[]): CommitInfo => ({
  oid,
  parents,
  tree: "",
  author: person,
  committer: person,
  message: "",
  encoding: null,
  signed: false,
});

describe("parentsFirst", () => {
  it("puts every parent before its children and walks first parents first", () => {
    // a <- b <- m (merge of b and s), s's parent is outside the set; walked newest first as rev-list would.
    const infos = new Map([
      ["m", info("m", ["b", "s"])],
      ["s", info("s", ["old"])],
      ["b", info("b", ["a"])],
      ["a", info("a", ["old"])],
    ]);
    expect(parentsFirst(["m", "s", "b", "a"], infos)).toEqual(["a", "b", "s", "m"]);
  });

  it("orders a chain of 200,000 commits without running out of stack", () => {
    const count = 200_000;
    const infos = new Map<string, CommitInfo>();
    for (let i = 0; i < count; i++) infos.set(`c${i}`, info(`c${i}`, i === 0 ? [] : [`c${i - 1}`]));
    const order = parentsFirst([`c${count - 1}`], infos);
    expect(order).toHaveLength(count);
    expect(order[0]).toBe("c0");
    expect(order.at(-1)).toBe(`c${count - 1}`);
  });
});

describe("readIncoming", () => {
  it("finds the commits new to the repository, parents first, with their files, however the walk streams", async () => {
    const repo = createRepo({ files: { "a.txt": "a\n" } });
    const base = repo.git("rev-parse", "HEAD");
    repo.git("switch", "-qc", "side");
    repo.commit("feat: side", { "side.txt": "s\n" });
    repo.git("switch", "-q", "main");
    for (let i = 0; i < 30; i++) repo.commit(`feat: main ${i}`, { [`m${i}.txt`]: `${i}\n` });
    repo.git("merge", "-q", "--no-edit", "side");
    const tip = repo.git("rev-parse", "HEAD");
    const opened = await openRepo(repo.dir, repo.env);
    const found = await readIncoming(opened.git, [tip], [base], "all");
    const expected = repo.git("rev-list", tip, "--not", base).split("\n");
    expect([...found.order].sort()).toEqual([...expected].sort());
    const position = new Map(found.order.map((oid, i) => [oid, i]));
    for (const commit of found.commits)
      for (const parent of commit.parents) if (position.has(parent)) expect(position.get(parent)).toBeLessThan(position.get(commit.oid) ?? -1);
    expect(found.commits.map((c) => c.oid)).toEqual(found.order);
    expect(found.files.map((f) => f.path)).toEqual(expect.arrayContaining(["side.txt", "m0.txt", "m29.txt"]));
    expect(found.order.at(-1)).toBe(tip);
  });
});
