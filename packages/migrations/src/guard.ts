/**
 * What runs around a gate or a verify: the database URL is checked before anything starts (a usage error, exit 2), the
 * leftovers of runs killed with -9 are removed, and a signal during the run stops and removes what it made (cancel.ts).
 */
import type { Repo } from "@shipgate/core";
import { withCancellation } from "./cancel.js";
import { checkDatabase } from "./dynamic/database-url.js";
import { removeDeadWorktrees } from "./dynamic/leftovers.js";
import type { MigrationsSettings } from "./settings.js";

export interface GuardOptions {
  repo: Repo;
  /** The settings the run uses: the database is checked when the dynamic check is on and has a URL. */
  settings: Pick<MigrationsSettings, "dynamic" | "database">;
  /** Says what was removed of earlier runs (one line each). */
  log?: (line: string) => void;
}

export async function guardRun<T>(options: GuardOptions, work: () => Promise<T>): Promise<T> {
  const log = options.log ?? (() => undefined);
  const url = options.settings.dynamic ? options.settings.database?.url : undefined;
  if (url !== undefined) await checkDatabase(url, log);
  await removeDeadWorktrees(options.repo, log);
  return withCancellation(work);
}
