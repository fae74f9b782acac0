/**
 * The adoption baseline: the commit a repository adopted shipgate at, kept in `.shipgate.yml` (so it travels with the
 * code). Content and message policies never judge commits reachable from it; `shipgate baseline <rev>` moves it.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { CONFIG_FILES, ConfigError, findConfigFile, openRepo, UsageError, type Baseline } from "@shipgate/core";
import { messages } from "./messages.js";

export interface BaselineResult {
  configFile: string;
  /** The baseline before this call, if any. */
  previous: Baseline | null;
  baseline: Baseline | null;
  /** Commits reachable from the baseline (what is exempt). */
  covered: number;
}

/** Reads the baseline of the repository at `cwd`, or, with `rev`, moves it there (a reason is required). */
export async function baseline(cwd: string, env: NodeJS.ProcessEnv, rev?: string, reason?: string): Promise<BaselineResult> {
  const repo = await openRepo(cwd, env);
  if (repo.topLevel === null) throw new UsageError(messages.baselineBare, { hint: messages.baselineBareHint });
  const configFile = findConfigFile(repo.topLevel) ?? join(repo.topLevel, CONFIG_FILES[0] ?? ".shipgate.yml");
  const text = readOrEmpty(configFile);
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new ConfigError(`${configFile}: invalid YAML: ${doc.errors[0]?.message.split("\n")[0] ?? ""}`);
  const previous = toBaseline(doc.toJS({ maxAliasCount: 50 }));
  let next = previous;
  if (rev !== undefined) {
    if (reason === undefined || reason.trim() === "") throw new UsageError(messages.baselineNeedsReason, { hint: messages.baselineNeedsReasonHint });
    const commit = await repo.git.probe(["rev-parse", "-q", "--verify", "--end-of-options", `${rev}^{commit}`]);
    if (commit === null || commit === "") throw new UsageError(messages.baselineUnknownRev(rev), { hint: messages.baselineUnknownRevHint });
    next = { commit, reason: reason.trim() };
    doc.set("baseline", next);
    const temp = `${configFile}.${process.pid}.tmp`;
    writeFileSync(temp, doc.toString({ lineWidth: 0 }));
    renameSync(temp, configFile);
  }
  const covered = next === null ? 0 : Number((await repo.git.probe(["rev-list", "--count", "--end-of-options", next.commit])) ?? "0");
  return { configFile, previous, baseline: next, covered };
}

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** The `baseline:` entry of a config's data, when it has the shape the schema requires. */
function toBaseline(data: unknown): Baseline | null {
  const value: unknown = data !== null && typeof data === "object" && "baseline" in data ? data.baseline : null;
  if (value === null || typeof value !== "object" || !("commit" in value) || typeof value.commit !== "string") return null;
  return { commit: value.commit, ...("reason" in value && typeof value.reason === "string" ? { reason: value.reason } : {}) };
}
