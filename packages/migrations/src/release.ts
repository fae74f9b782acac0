/** Which releases a gate compares: `--from auto` is the last good deploy from the ledger, else the previous release tag. */
import * as v from "valibot";
import { UsageError, type Config, type Repo } from "@shipgate/core";
import { MigrationsOptions, type MigrationsSettings } from "./settings.js";

export interface ResolvedRange {
  from: string;
  to: string;
  /** How `from` was chosen, for the report header. */
  fromSource: string;
}

/** The `migrations:` settings with their defaults. */
export function migrationsSettings(config: Config): MigrationsSettings {
  return config.migrations ?? v.parse(MigrationsOptions, {});
}

export async function resolveRange(repo: Repo, fromSpec: string, toSpec: string, settings: MigrationsSettings): Promise<ResolvedRange> {
  const to = await commitOf(repo, toSpec);
  if (fromSpec !== "auto") return { from: await commitOf(repo, fromSpec), to, fromSource: fromSpec };
  const ledger = `refs/shipgate/${settings.environment}/good`;
  const good = await repo.git.probe(["rev-parse", "-q", "--verify", "--end-of-options", `${ledger}^{commit}`]);
  if (good !== null && good !== "" && good !== to) return { from: good, to, fromSource: `${ledger} (last good deploy)` };
  const tag = await repo.git.probe(["describe", "--tags", "--abbrev=0", `--match=${settings.tags}`, "--end-of-options", `${to}^`]);
  if (tag !== null && tag !== "") return { from: await commitOf(repo, `refs/tags/${tag}`), to, fromSource: `${tag} (previous release tag)` };
  return { from: repo.zeroOid, to, fromSource: "nothing (first release)" };
}

async function commitOf(repo: Repo, rev: string): Promise<string> {
  const oid = await repo.git.probe(["rev-parse", "-q", "--verify", "--end-of-options", `${rev}^{commit}`]);
  if (oid === null || oid === "")
    throw new UsageError(`"${rev}" does not name a commit`, {
      hint: "Pass a tag, branch or commit id; in CI fetch the full history and tags (fetch-depth: 0).",
    });
  return oid;
}

/** The config with the two migration policies turned on from the `migrations:` section (they are not core policies). */
export function withMigrationPolicies(config: Config, settings: MigrationsSettings): Config {
  const policies = { ...(config.policies as Record<string, unknown>) };
  policies["migrations"] = { severity: "error", ...settings };
  policies["migrations-immutable"] = { severity: "error", dirs: settings.dirs, tags: settings.tags };
  return { ...config, policies } as Config;
}
