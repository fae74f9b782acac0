/** What runs around a gate or a verify: the database URL is checked before anything starts (a usage error, exit 2). */
import type { Repo } from "@shipgate/core";
import { checkDatabase } from "./dynamic/database-url.js";
import type { MigrationsSettings } from "./settings.js";

export interface GuardOptions {
  repo: Repo;
  /** The settings the run uses: the database is checked when the dynamic check is on and has a URL. */
  settings: Pick<MigrationsSettings, "dynamic" | "database">;
  /** Says what was removed of earlier runs (one line each). */
  log?: (line: string) => void;
}

export async function guardRun<T>(options: GuardOptions, work: () => Promise<T>): Promise<T> {
  const url = options.settings.dynamic ? options.settings.database?.url : undefined;
  if (url !== undefined) await checkDatabase(url);
  return work();
}
