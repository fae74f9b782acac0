/** Index entries as `update-index --index-info` takes them: written whole, put back whole. */
import { spawnSync } from "node:child_process";
import { Git, type Repo } from "@shipgate/core";

export type IndexEntry = { mode: string; oid: string; path: Buffer };

export function indexInfo(entries: readonly IndexEntry[]): Buffer {
  return Buffer.concat(entries.map((e) => Buffer.concat([Buffer.from(`${e.mode} ${e.oid}\t`), e.path, Buffer.from([0])])));
}

/** One atomic `update-index -z --index-info`, in its own process group so Ctrl-C cannot kill it midway. */
export async function updateIndex(repo: Repo, indexFile: string, entries: readonly IndexEntry[]): Promise<void> {
  await repo.git.run(["update-index", "-z", "--index-info"], { input: indexInfo(entries), env: { GIT_INDEX_FILE: indexFile }, detached: true });
}

/** Puts back the original index entries; synchronous so it can run inside a signal handler. */
export function restoreIndexes(repo: Repo, indexes: readonly string[], previous: readonly IndexEntry[]): void {
  const records = indexInfo(previous);
  for (const index of indexes) {
    spawnSync("git", [...Git.baseArgs, "update-index", "-z", "--index-info"], {
      cwd: repo.git.cwd,
      env: { ...repo.git.env, GIT_INDEX_FILE: index },
      input: records,
    });
  }
}

/**
 * In each index file that still exists, puts `previous[i]` back where the entry still holds `fixed[i]` (an entry
 * staged anew since is left alone); returns how many entries went back, counted once per path.
 */
export async function restoreIndexEntries(
  repo: Repo,
  indexes: readonly string[],
  fixed: readonly IndexEntry[],
  previous: readonly IndexEntry[],
): Promise<number> {
  const restored = new Set<string>();
  for (const index of indexes) {
    // The whole index, not pathspecs: a path is bytes, and an argument would pass it through UTF-8.
    const listed = await repo.git.run(["ls-files", "-s", "-z"], {
      env: { GIT_INDEX_FILE: index },
      okCodes: [0, 128],
    });
    if (listed.code !== 0) continue; // the index file is gone (git rolled back its lock): nothing to put back there
    const current = stagedOids(listed.stdout);
    const back = previous.filter((_, i) => {
      const entry = fixed[i];
      return entry !== undefined && current.get(entry.path.toString("latin1")) === `${entry.mode} ${entry.oid}`;
    });
    if (back.length === 0) continue;
    await updateIndex(repo, index, back);
    for (const entry of back) restored.add(entry.path.toString("latin1"));
  }
  return restored.size;
}

/** `<mode> <oid>` by path (latin1 keys keep any byte) from `ls-files -s -z`, stage 0 only. */
function stagedOids(out: Buffer): Map<string, string> {
  const map = new Map<string, string>();
  for (const record of out.toString("latin1").split("\0")) {
    const match = /^(\d{6}) ([0-9a-f]+) 0\t([\s\S]*)$/.exec(record);
    if (match) map.set(match[3] ?? "", `${match[1]} ${match[2]}`);
  }
  return map;
}
