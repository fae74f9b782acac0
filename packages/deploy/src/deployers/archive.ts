/** Puts the files of one commit into a directory: `git archive` of the commit, unpacked by tar, under a temporary name. */
import { mkdirSync, renameSync, rmSync } from "node:fs";
import { Git, isOid, scrubGitEnv } from "@shipgate/core";
import { runCommand, type CommandResult } from "../process.js";
import type { Release } from "../types.js";
import { deployerMessages } from "./messages.js";

export interface ExtractOptions {
  gitDir: string;
  release: Release;
  /** Built under this name, then renamed to `target`: a crash leaves a temporary directory, never a half release. */
  temporary: string;
  target: string;
  timeoutMs: number;
  signal: AbortSignal;
  outputLimit: number;
}

/** Extracts the release's commit into `target`; on failure nothing is left at `target` or `temporary`. */
export async function extractRelease(
  options: ExtractOptions,
): Promise<{ ok: true; results: CommandResult[] } | { ok: false; reason: string; results: CommandResult[] }> {
  const { release, temporary, target } = options;
  if (!isOid(release.sha)) return { ok: false, reason: deployerMessages.notACommit(release), results: [] };
  const archive = `${temporary}.tar`;
  rmSync(temporary, { recursive: true, force: true });
  mkdirSync(temporary, { recursive: true });
  try {
    const git = new Git(options.gitDir, scrubGitEnv(process.env));
    try {
      // `<sha>^{commit}`: a tag or tree id is refused; `export-ignore` attributes of the commit apply as in any archive.
      await git.run(["archive", "--format=tar", "-o", archive, `${release.sha}^{commit}`]);
    } catch (error) {
      return { ok: false, reason: deployerMessages.archiveFailed(release, error instanceof Error ? error.message : String(error)), results: [] };
    }
    // GNU and BSD tar refuse members outside the directory; GNU tar creates links that point outside it last, so no
    // member is written through one.
    const untar = await runCommand(["tar", "-x", "--no-same-owner", "-f", archive, "-C", temporary], {
      cwd: temporary,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      outputLimit: options.outputLimit,
    });
    if (!untar.ok) return { ok: false, reason: untar.reason, results: [untar] };
    rmSync(target, { recursive: true, force: true }); // an incomplete leftover of a crashed deploy of the same release
    renameSync(temporary, target);
    return { ok: true, results: [untar] };
  } finally {
    rmSync(archive, { force: true });
    rmSync(temporary, { recursive: true, force: true });
  }
}
