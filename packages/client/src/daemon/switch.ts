/**
 * The config switch: `git config shipgate.daemon true` (for one repository, or --global for all) has the pre-commit
 * hook start the lint daemon in the background whenever it has lint work and finds none running;
 * `shipgate.daemonIdle` (e.g. 30m, 2h, 90s) sets when such a daemon stops. A machine-local choice, so it lives in git's
 * config, not in the repository's .shipgate.yml: it changes where the tools run, never a verdict.
 */
import type { Repo } from "@shipgate/core";
import { DEFAULT_IDLE_MS, startInBackground, stopStale } from "./control.js";

export interface DaemonSwitch {
  autostart: boolean;
  idleMs: number;
}

export async function readSwitch(repo: Repo): Promise<DaemonSwitch> {
  const listed = await repo.git.probe(["config", "-z", "--get-regexp", "^shipgate\\.daemon"]);
  const values = new Map<string, string>();
  for (const record of (listed ?? "").split("\0")) {
    const newline = record.indexOf("\n");
    if (newline > 0)
      values.set(
        record.slice(0, newline).toLowerCase(),
        record
          .slice(newline + 1)
          .trim()
          .toLowerCase(),
      );
  }
  const autostart = ["true", "yes", "on", "1", "auto"].includes(values.get("shipgate.daemon") ?? "");
  return { autostart, idleMs: parseIdle(values.get("shipgate.daemonidle")) ?? DEFAULT_IDLE_MS };
}

/** `90s`, `30m`, `2h` or a number of minutes, as milliseconds; null when it is none of these. */
export function parseIdle(text: string | undefined): number | null {
  const match = /^(\d+(?:\.\d+)?)\s*(s|m|h)?$/.exec((text ?? "").trim().toLowerCase());
  if (!match) return null;
  const unit = { s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? "m"] ?? 60_000;
  const ms = Math.round(Number(match[1]) * unit);
  return ms >= 1000 ? ms : null;
}

/** Stops a daemon of another build or environment (when there is one) and starts one for this hook's, detached. */
export async function restartInBackground(repo: Repo, env: NodeJS.ProcessEnv, idleMs: number): Promise<void> {
  await stopStale(repo);
  startInBackground(repo, env, idleMs);
}
