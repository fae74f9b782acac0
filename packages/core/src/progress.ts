/**
 * Progress lines for a fixer or linter that takes a while, so a hook that looks stuck says what it works on. The
 * tools run synchronously on the main thread, so nothing can speak while they chew one file: a line comes when a file
 * starts, either because the file is big enough to take seconds, or because the policy has been at it for a while.
 */
import { formatSize } from "./size.js";
import { messages } from "./messages.js";
import { now as clock } from "./clock.js";

/** A policy that has run this long names the file it starts next. */
export const SLOW_AFTER_MS = 2000;
/** After a line, the next time-based one waits this long: a line now and then, never one per file. */
export const REPEAT_AFTER_MS = 5000;
/** A file this big may take eslint or prettier seconds on its own: it is named before it starts. */
export const BIG_FILE_BYTES = 1024 * 1024;

export interface WorkItem {
  path: string;
  size: number | null;
}

/** The callback a policy calls as it starts each file (the `index`th of `total`, from 0); lines go to `log`. */
export type Working = (file: WorkItem, index: number, total: number) => void;

export function progressReporter(policy: string, log: (line: string) => void, now: () => number = clock): Working {
  const started = now();
  let last: number | null = null;
  return (file, index, total) => {
    const at = now();
    if (file.size !== null && file.size >= BIG_FILE_BYTES) log(messages.workingOnBigFile(policy, file.path, formatSize(file.size)));
    else if (at >= (last === null ? started + SLOW_AFTER_MS : last + REPEAT_AFTER_MS))
      log(messages.stillWorking(policy, (at - started) / 1000, file.path, index + 1, total));
    else return;
    last = at;
  };
}
