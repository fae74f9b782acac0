/** Builds the Change each stage checks: the index, a pending message, or a set of ref updates. */
import { join, resolve } from "node:path";
import type { Repo } from "../git/repo.js";
import { ObjectReader, objectInfo, type ObjectInfo } from "../git/cat-file.js";
import { readIncoming } from "./incoming.js";
import { readTags } from "./tags.js";
import { isZeroOid } from "../git/oid.js";
import { FileSizes, blobFile, fillSizes, readIndexDiff, readTreeFiles } from "./read-diffs.js";
import { refKind, type Change, type FileChange, type LineSelection, type RefUpdate, type Stage, type TagInfo } from "./types.js";

function emptyChange(repo: Repo, stage: Stage, lines: LineSelection = "all", objects = new ObjectReader(repo.git)): Change {
  return { stage, repo, objects, refs: [], commits: [], tags: [], files: [], message: null, branch: null, pushOptions: [], lines };
}

/** The branch HEAD points at (`refs/heads/...`), or null when detached. */
export async function currentBranch(repo: Repo): Promise<string | null> {
  if (repo.head) return repo.head.branch;
  const ref = await repo.git.probe(["symbolic-ref", "-q", "HEAD"]);
  return ref === null || ref === "" ? null : ref;
}

/** pre-commit: what the index would commit, read from staged blobs (never the work tree). */
export async function buildStagedChange(repo: Repo, options: { lines?: LineSelection } = {}): Promise<Change> {
  const change = emptyChange(repo, "pre-commit", options.lines);
  const [head, branch] = repo.head
    ? [repo.head.commit, repo.head.branch]
    : await Promise.all([repo.git.probe(["rev-parse", "-q", "--verify", "HEAD^{commit}"]), currentBranch(repo)]);
  change.branch = branch;
  change.files = await readIndexDiff(repo.git, head ?? repo.emptyTree, change.lines);
  await fillSizes(repo.git, change.files, resolve(repo.git.cwd, repo.git.env["GIT_OBJECT_DIRECTORY"] ?? join(repo.commonDir, "objects")));
  return change;
}

/** commit-msg: the message being written, plus the branch it goes to (null when detached). */
export function buildMessageChange(repo: Repo, text: string, source: string, branch: string | null): Change {
  const change = emptyChange(repo, "commit-msg");
  change.branch = branch;
  change.message = { text, source };
  return change;
}

export interface RefUpdateInput {
  name: string;
  oldOid: string;
  newOid: string;
}

export interface RangeOptions {
  stage: Stage;
  /**
   * Revisions whose history is already known to the destination (`--not` these for "new" commits), e.g. ["--all"];
   * ids this repository does not have (a remote tip not fetched yet) are left out.
   */
  known: readonly string[];
  pushOptions?: readonly string[];
  /** Which added lines to keep (default: all); `linesRead` tells what a run's policies read. */
  lines?: LineSelection;
  /** An object reader already open on the repository, for the Change to use and own. */
  objects?: ObjectReader;
  /**
   * The adoption baseline (`baseline.commit` of the config): commits reachable from it are history from before
   * shipgate and are not new here, so content and message policies never judge them (branch policies read refs).
   */
  baseline?: string | null | undefined;
}

/** pre-push, pre-receive and CI: ref updates with their full ranges, and the commits new to the destination. */
export async function buildRangeChange(repo: Repo, updates: readonly RefUpdateInput[], options: RangeOptions): Promise<Change> {
  const change = emptyChange(repo, options.stage, options.lines, options.objects);
  change.pushOptions = [...(options.pushOptions ?? [])];
  if (options.baseline) options = { ...options, known: [...options.known, options.baseline] };
  // A remote's old tip may be absent locally (not fetched yet): then the range is "new against what is known".
  // One batch-check answers which old tips and known ids exist, and what each new tip is once tags are peeled (a ref
  // may point at a tree or blob) and before (an annotated tag, whose message is checked).
  const ids = [...new Set([...updates.map((u) => u.oldOid).filter((oid) => !isZeroOid(oid)), ...options.known.filter((k) => !k.startsWith("--"))])];
  const news = [...new Set(updates.map((u) => u.newOid).filter((oid) => !isZeroOid(oid)))];
  const probe = objectInfo(repo.git, [...ids, ...news.map((oid) => `${oid}^{}`), ...news]);
  probe.catch(() => undefined); // awaited below
  const presentIn = (info: Awaited<typeof probe>) => new Set(ids.filter((_, i) => info[i] !== null));
  // The walk needs only to know which known ids exist; with none to check (pre-receive) it starts beside the probe.
  const known = options.known.every((k) => k.startsWith("--"))
    ? [...options.known]
    : await probe.then((info) => options.known.filter((k) => k.startsWith("--") || presentIn(info).has(k)));
  // The push's new commits stream from one walk into the diff, object and size readers; sizes are asked for while
  // the diffs are still being read, so the answer is ready when they are.
  const sizes = new FileSizes(repo.git);
  const incoming =
    news.length === 0
      ? null
      : readIncoming(repo.git, news, known, change.lines, (files) => {
          for (let i = 0; i < files.length; i++) sizes.add(files[i] as FileChange);
        });
  // Awaited below; a failure while the refs are described must not go unhandled meanwhile.
  incoming?.catch(() => undefined);
  // A created ref's range and the push's new commits are often the same walk (a first push): run each walk once.
  const walks = new Map<string, Promise<string[]>>();
  if (incoming) {
    const order = incoming.then((found) => found.order);
    order.catch(() => undefined);
    walks.set(news.join(" "), order);
  }
  const list = (refTips: readonly string[]): Promise<string[]> => {
    const key = refTips.join(" ");
    let walk = walks.get(key);
    if (walk === undefined) {
      walk = listCommits(repo, refTips, known);
      walks.set(key, walk);
    }
    return walk;
  };
  const info = await probe;
  const present = presentIn(info);
  const peeled = new Map(news.map((oid, i) => [oid, info[ids.length + i] ?? null]));
  // Refs that point at annotated tags bring the tags' messages; they are read while the refs are described.
  const types = new Map(news.map((oid, i) => [oid, info[ids.length + news.length + i]?.type]));
  const tagTips = updates.filter((u) => types.get(u.newOid) === "tag").map((u) => ({ ref: u.name, oid: u.newOid }));
  const tags = tagTips.length === 0 ? Promise.resolve([]) : readTags(change.objects, tagTips);
  tags.catch(() => undefined); // awaited below
  // Pushes often move many refs to the same commits (mirrors, thousands of tags): walk each distinct range once.
  const ranges = new Map<string, Promise<RefUpdate>>();
  change.refs = await mapLimited(updates, 4, async (update) => {
    const key = `${update.oldOid} ${update.newOid}`;
    let range = ranges.get(key);
    if (range === undefined) {
      range = describeUpdate(repo, update, list, present.has(update.oldOid));
      ranges.set(key, range);
    }
    return { ...(await range), name: update.name, kind: refKind(update.name) };
  });
  change.tags = await tags;
  if (incoming === null) return change;
  const found = await incoming;
  change.commits = found.commits;
  // A baseline this repository does not have reaches nothing here (like the known ids left out above).
  if (options.baseline && present.has(options.baseline) && change.tags.length > 0)
    change.tags = await tagsAfterBaseline(repo, change, updates, peeled, options.baseline);
  const files = found.files;
  for (const file of await treeAndBlobFiles(repo, change, updates, peeled)) {
    sizes.add(file);
    files.push(file);
  }
  change.files = files;
  await sizes.fill();
  return change;
}

/** Content that refs pointing straight at trees or blobs bring (no commit carries it, so no diff shows it). */
async function treeAndBlobFiles(
  repo: Repo,
  change: Change,
  updates: readonly RefUpdateInput[],
  peeled: ReadonlyMap<string, ObjectInfo | null>,
): Promise<FileChange[]> {
  const files: FileChange[] = [];
  const done = new Set<string>();
  for (const update of updates) {
    const target = peeled.get(update.newOid);
    if (!target || done.has(target.oid) || (target.type !== "tree" && target.type !== "blob")) continue;
    done.add(target.oid);
    if (target.type === "tree") for (const file of await readTreeFiles(repo.git, repo.emptyTree, target.oid, change.lines)) files.push(file);
    else {
      const blob = await change.objects.read(target.oid);
      if (blob) files.push(blobFile(update.name, target.oid, blob.content));
    }
  }
  return files;
}

async function describeUpdate(
  repo: Repo,
  update: RefUpdateInput,
  list: (tips: readonly string[]) => Promise<string[]>,
  oldPresent: boolean,
): Promise<RefUpdate> {
  const created = isZeroOid(update.oldOid);
  const deleted = isZeroOid(update.newOid);
  const base: RefUpdate = {
    name: update.name,
    oldOid: update.oldOid,
    newOid: update.newOid,
    created,
    deleted,
    forced: null,
    kind: refKind(update.name),
    commits: [],
  };
  if (deleted) return base;
  if (created || !oldPresent) {
    // forced stays null: there is no old tip here to compare with.
    return { ...base, commits: await list([update.newOid]) };
  }
  // One walk answers both questions: commits only in old mean a rewrite; commits only in new are the range.
  const listed = await repo.git.text(["rev-list", "--reverse", "--topo-order", "--left-right", `${update.oldOid}...${update.newOid}`, "--"], {
    okCodes: [0],
  });
  const lines = listed === "" ? [] : listed.split("\n");
  return {
    ...base,
    forced: lines.some((line) => line.startsWith("<")),
    commits: lines.filter((line) => line.startsWith(">")).map((line) => line.slice(1)),
  };
}

/** Commits reachable from `tips` and not from `known` (oids or pseudo-options such as `--all`), oldest first. */
async function listCommits(repo: Repo, tips: readonly string[], known: readonly string[]): Promise<string[]> {
  const listed = await repo.git.text(["rev-list", "--reverse", "--topo-order", "--stdin", "--not", ...known, "--"], { input: tips.join("\n") + "\n" });
  return listed === "" ? [] : listed.split("\n");
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * The tags whose message is judged: an annotated tag on a commit the baseline reaches (a release tag of the history
 * before shipgate, pushed with it to a new remote) is history too. A tag on a new commit is judged without asking git;
 * the others are sorted by one `rev-list` of their commits not reachable from the baseline (none, for old tags).
 */
async function tagsAfterBaseline(
  repo: Repo,
  change: Change,
  updates: readonly RefUpdateInput[],
  peeled: ReadonlyMap<string, ObjectInfo | null>,
  baseline: string,
): Promise<TagInfo[]> {
  const fresh = new Set(change.commits.map((commit) => commit.oid));
  const targetOf = new Map(updates.map((update) => [update.name, peeled.get(update.newOid) ?? null]));
  const asked = [...new Set(change.tags.map((tag) => targetOf.get(tag.ref)).flatMap((t) => (t?.type === "commit" && !fresh.has(t.oid) ? [t.oid] : [])))];
  if (asked.length === 0) return change.tags;
  const { stdout } = await repo.git.run(["rev-list", "--stdin"], { input: `${asked.join("\n")}\n^${baseline}\n` });
  const after = new Set(stdout.toString("latin1").split("\n"));
  return change.tags.filter((tag) => {
    const target = targetOf.get(tag.ref);
    return target?.type !== "commit" || fresh.has(target.oid) || after.has(target.oid);
  });
}
