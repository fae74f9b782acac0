/**
 * A push's diffs, with a patch only for the commits whose patch can hold something the Change keeps. Each commit is
 * first diffed without its patch (no blob read), and the blobs its files were diffed between are read once each by one
 * `cat-file`: a commit whose file versions are all text in which the line selection finds nothing is complete with its
 * raw entries (see patch-needed.ts); the others are diffed again, with their patch. Most of a push's time was the
 * patches, and a history of ordinary code rarely needs them for a selection such as the secrets keywords.
 *
 * Where most commits do need their patch (a history full of URLs and tokens), reading their blobs first only adds
 * work: the first SAMPLE commits are judged before the rest is sent on, and when more than half of them need their
 * patch, the rest is diffed with patches straight away, as CommitDiffs alone would.
 */
import type { ParsedCommitDiff } from "../git/diff-parse.js";
import type { Git } from "../git/runner.js";
import { bigFileThreshold, diffAttributed } from "../git/binary-rules.js";
import { BlobScan } from "./blob-scan.js";
import { blobsToScan, needsPatch } from "./patch-needed.js";
import { CommitDiffs, shardBlock } from "./read-diffs.js";
import type { FileChange, LineSelection } from "./types.js";

/** Commits judged before the rest of a push is sent on. */
export const SAMPLE = 256;

export interface ScanOptions {
  /** Ids per diff process before the next takes over (see CommitDiffs). */
  block?: number;
  /** Commits judged before the rest is sent on (SAMPLE). */
  sample?: number;
}

export class ScannedDiffs {
  private route: "sample" | "scan" | "patch" = "sample";
  private readonly sample: CommitDiffs;
  private sampled = 0;
  private judged: Promise<void> | null = null;
  private held: string[] = [];
  /** Raw diffs after the sample (created once the sample says scanning pays). */
  private rest: CommitDiffs | null = null;
  /** Patched diffs of what is not scanned (created once the sample says it does not). */
  private patched: CommitDiffs | null = null;
  private readonly scanned: ParsedCommitDiff[] = [];
  private readonly blobs: BlobScan;
  private readonly threshold: Promise<number>;
  private readonly block: number;
  private readonly sampleSize: number;

  /** `onPatched` sees the files of commits diffed with patches from the start, whose sizes the caller reads. */
  constructor(
    private readonly git: Git,
    private readonly lines: LineSelection,
    private readonly onPatched?: (files: readonly FileChange[]) => void,
    options: ScanOptions = {},
  ) {
    this.block = options.block ?? 500;
    this.sampleSize = options.sample ?? SAMPLE;
    this.blobs = new BlobScan(git, lines);
    this.sample = this.rawDiffs(this.sampleSize);
    this.threshold = bigFileThreshold(git);
    this.threshold.catch(() => undefined); // awaited in done()
  }

  add(commits: readonly string[]): void {
    if (this.route !== "sample") return this.send(commits);
    const room = Math.max(0, this.sampleSize - this.sampled);
    const first = commits.length <= room ? commits : commits.slice(0, room);
    this.sampled += first.length;
    this.sample.add(first);
    for (let i = first.length; i < commits.length; i++) this.held.push(commits[i] as string);
    if (this.sampled >= this.sampleSize && this.judged === null) {
      this.judged = this.judgeSample();
      this.judged.catch(() => undefined); // awaited in done()
    }
  }

  /**
   * Every commit's files, sizes filled in where a blob was read (the files `onPatched` saw have none); a commit git
   * could not diff is an error.
   */
  async done(): Promise<Map<string, FileChange[]>> {
    this.judged ??= this.judgeSample();
    await this.judged;
    const [, patched] = await Promise.all([this.rest?.done(), this.patched?.done()]);
    await this.blobs.settle();
    const context = {
      facts: (oid: string) => this.blobs.get(oid),
      attributed: await diffAttributed(this.git, this.scannedPaths()),
      bigFileThreshold: await this.threshold,
    };
    const byCommit = new Map<string, FileChange[]>(patched);
    const again: string[] = [];
    for (let i = 0; i < this.scanned.length; i++) {
      const diff = this.scanned[i] as ParsedCommitDiff;
      if (diff.commit === null) continue;
      if (needsPatch(diff, context)) again.push(diff.commit);
      else byCommit.set(diff.commit, this.withSizes(diff.files));
    }
    if (again.length > 0) {
      const diffs = new CommitDiffs(this.git, this.lines, undefined, shardBlock(again.length));
      diffs.add(again);
      for (const [commit, files] of await diffs.done()) byCommit.set(commit, this.withSizes(files));
    }
    return byCommit;
  }

  /** The sample's raw diffs and blobs read, the route for the rest; then what was held back is sent on. */
  private async judgeSample(): Promise<void> {
    await this.sample.done();
    await this.blobs.settle();
    // Attributes and the threshold rarely decide; they are left for the final judgement.
    const context = { facts: (oid: string) => this.blobs.get(oid), attributed: () => false, bigFileThreshold: Infinity };
    let needing = 0;
    for (let i = 0; i < this.scanned.length; i++) if (needsPatch(this.scanned[i] as ParsedCommitDiff, context)) needing++;
    this.route = needing * 2 > this.scanned.length ? "patch" : "scan";
    const held = this.held;
    this.held = [];
    this.send(held);
  }

  private send(commits: readonly string[]): void {
    if (commits.length === 0) return;
    if (this.route === "scan") (this.rest ??= this.rawDiffs(this.block)).add(commits);
    else (this.patched ??= new CommitDiffs(this.git, this.lines, this.onPatched && ((diff) => this.onPatched?.(diff.files)), this.block)).add(commits);
  }

  private rawDiffs(block: number): CommitDiffs {
    return new CommitDiffs(
      this.git,
      "none",
      (diff) => {
        this.scanned.push(diff);
        blobsToScan(diff, (oid) => this.blobs.add(oid));
      },
      block,
      "sources",
    );
  }

  /** Every path the scanned files were diffed at (new and old), once each. */
  private scannedPaths(): Buffer[] {
    const paths = new Map<string, Buffer>();
    for (let i = 0; i < this.scanned.length; i++) {
      const { files, sources = [] } = this.scanned[i] as ParsedCommitDiff;
      for (let j = 0; j < files.length; j++) {
        const bytes = (files[j] as FileChange).pathBytes;
        paths.set(bytes.toString("latin1"), bytes);
        const old = sources[j]?.oldPathBytes;
        if (old) paths.set(old.toString("latin1"), old);
      }
    }
    return [...paths.values()];
  }

  /** The files with the sizes of their blobs as the scan read them (deletions and submodules have none). */
  private withSizes(files: FileChange[]): FileChange[] {
    for (let i = 0; i < files.length; i++) {
      const file = files[i] as FileChange;
      if (file.status === "D" || file.kind === "submodule") continue;
      file.size = this.blobs.get(file.oid)?.size ?? null;
    }
    return files;
  }
}
