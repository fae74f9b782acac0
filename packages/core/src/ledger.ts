/**
 * The deploy ledger, kept in git beside the code: one ref per fact, each pointing at a small commit whose message holds
 * the fact as JSON, updated only by compare-and-swap transactions (`git update-ref --stdin`), and one JSON Lines note
 * per deployed commit under refs/notes/shipgate. Below both @shipgate/migrations (the gate's "last good") and
 * @shipgate/deploy (everything else).
 *
 *   refs/shipgate/<env>/current      what the deployer last put in service   (first parent: the previous value)
 *   refs/shipgate/<env>/good         the last release that passed verification (first parent: the previous value)
 *   refs/shipgate/<env>/bad/<key>    a release that failed verification: never deployed again automatically
 *   refs/shipgate/<env>/lock         who deploys this environment now, until when
 *   refs/shipgate/<env>/frozen       why nothing deploys here until someone unfreezes it
 *   refs/shipgate/<env>/queued       the next deploy job (one slot: a newer job replaces it)
 *   refs/shipgate/<env>/run          the deploy in progress and the state it reached
 *
 * A release pointer's commit has the released commit as its last parent, so the ledger keeps every release it names
 * reachable (and restorable) even after its tag is deleted.
 */
import { GitError, UsageError } from "./errors.js";
import { Git, scrubGitEnv } from "./git/runner.js";
import { emptyTreeOid } from "./git/oid.js";

export const LEDGER_ROOT = "refs/shipgate";
export const NOTES_REF = "refs/notes/shipgate";

/** A release as the ledger records it: `tag` is the tag (or branch) name, `sha` the commit it named. */
export interface LedgerRelease {
  tag: string;
  sha: string;
  /** The full ref it came from (`refs/tags/v3`, `refs/heads/main`). */
  ref?: string;
  /** The deploy that wrote this pointer. */
  deploy?: string;
  at?: string;
}

export interface LedgerEntry {
  ref: string;
  /** The ledger commit the ref points at: the value a compare-and-swap must name. */
  oid: string;
  data: Record<string, unknown>;
}

/**
 * One change of an atomic ledger transaction: `to` the new value (null: delete), `from` the value the ref must still
 * have (null: must not exist; for a delete, whatever it holds).
 */
export type RefChange = { ref: string; to: string | null; from: string | null };

export function ledgerRefs(env: string) {
  assertEnvName(env);
  const base = `${LEDGER_ROOT}/${env}`;
  return {
    base,
    current: `${base}/current`,
    good: `${base}/good`,
    lock: `${base}/lock`,
    frozen: `${base}/frozen`,
    queued: `${base}/queued`,
    run: `${base}/run`,
    badPrefix: `${base}/bad/`,
    bad: (key: string) => `${base}/bad/${encodeRefPart(key)}`,
  };
}

export type LedgerRefs = ReturnType<typeof ledgerRefs>;

const ENV_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/** An environment name that is also one safe ref component: lower-case letters, digits, '.', '_', '-'. */
export function isEnvName(name: string): boolean {
  return ENV_NAME.test(name) && isRefNameSafe(name);
}

export function assertEnvName(name: string): void {
  if (!isEnvName(name))
    throw new UsageError(`"${name}" is not a valid environment name`, {
      hint: "Use lower-case letters, digits, '.', '_' or '-' (no '..', not ending in '.' or '.lock').",
    });
}

/** `git check-ref-format` rules for a name below `refs/` (a tag or branch name such as `v3` or `release/1.0`). */
export function isRefNameSafe(name: string): boolean {
  if (name === "" || name.startsWith("/") || name.endsWith("/") || name.endsWith(".")) return false;
  if (name.includes("..") || name.includes("//") || name.includes("@{")) return false;
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code < 0x20 || code === 0x7f || " ~^:?*[\\".includes(name[i] as string)) return false;
  }
  return name.split("/").every((part) => !part.startsWith(".") && !part.endsWith(".lock"));
}

export function assertTagName(name: string): void {
  if (!isRefNameSafe(name))
    throw new UsageError(`"${name}" is not a valid tag name`, { hint: "Name a tag that exists in this repository, e.g. v1.4.0 (see `git tag --list`)." });
}

/** A tag as one ref component: `release/1.0` becomes `release%2F1.0`, so `v1` and `v1/fix` never collide. */
export function encodeRefPart(name: string): string {
  return name.replace(/%/g, "%25").replace(/\//g, "%2F");
}

export function decodeRefPart(part: string): string {
  return part.replace(/%2F/gi, "/").replace(/%25/g, "%");
}

/** The identity ledger commits are written with: a server hook may run where no git identity is configured. */
const IDENTITY = {
  GIT_AUTHOR_NAME: "shipgate",
  GIT_AUTHOR_EMAIL: "shipgate@localhost",
  GIT_COMMITTER_NAME: "shipgate",
  GIT_COMMITTER_EMAIL: "shipgate@localhost",
};

/** Reads and compare-and-swaps the ledger of one repository. */
export class Ledger {
  constructor(
    readonly git: Git,
    readonly objectFormat: "sha1" | "sha256" = "sha1",
  ) {}

  /** The ledger of the repository whose git dir is `gitDir` (a bare repository on a server), with no inherited GIT_*. */
  static at(gitDir: string, env: NodeJS.ProcessEnv, objectFormat: "sha1" | "sha256" = "sha1"): Ledger {
    return new Ledger(new Git(gitDir, { ...scrubGitEnv(env), GIT_DIR: gitDir }), objectFormat);
  }

  /** Every ledger ref under `prefixes` (default: all environments) with its data, in one `git for-each-ref`. */
  async read(prefixes: string | readonly string[] = `${LEDGER_ROOT}/`): Promise<Map<string, LedgerEntry>> {
    const patterns = typeof prefixes === "string" ? [prefixes] : prefixes;
    const out = await this.git.text(["for-each-ref", "--format=%(refname)%00%(objectname)%00%(contents:body)%00%00", "--", ...patterns]);
    const entries = new Map<string, LedgerEntry>();
    for (const record of out.split("\0\0\n")) {
      const [ref = "", oid = "", body = ""] = record.replace(/\0\0$/, "").split("\0");
      if (ref === "") continue;
      entries.set(ref, { ref, oid, data: parseBody(body) });
    }
    return entries;
  }

  async entry(ref: string): Promise<LedgerEntry | null> {
    return (await this.read(ref)).get(ref) ?? null;
  }

  /**
   * Writes a ledger commit: `subject` for humans (`git log`), `data` as JSON for shipgate; returns its id. A release
   * pointer passes the release's commit as `release`: the ledger commit then carries that commit's tree, so any git
   * command (a diff, an archive, the gate's `--from`) reads `refs/shipgate/<env>/good` as the release it names.
   */
  async write(subject: string, data: object, parents: readonly string[] = [], release: string | null = null): Promise<string> {
    const tree = release === null ? emptyTreeOid(this.objectFormat) : `${release}^{tree}`;
    const args = ["commit-tree", tree, ...parents.flatMap((parent) => ["-p", parent])];
    return this.git.text(args, { input: `${subject}\n\n${JSON.stringify({ ledger: 1, ...data })}\n`, env: IDENTITY });
  }

  /** Applies all changes atomically, or none: false when a ref no longer had the value a change named. */
  async apply(changes: readonly RefChange[]): Promise<boolean> {
    const lines = changes.map(({ ref, to, from }) =>
      to === null ? `delete ${ref}${from === null ? "" : ` ${from}`}\n` : from === null ? `create ${ref} ${to}\n` : `update ${ref} ${to} ${from}\n`,
    );
    const result = await this.git.run(["update-ref", "--stdin"], { input: lines.join(""), okCodes: [0, 128] });
    if (result.code === 0) return true;
    if (CONFLICT.test(result.stderr)) return false;
    throw new GitError(["update-ref", "--stdin"], result.code, result.stderr);
  }

  /** A release pointer (`current`, `good`) as a release, or null when the ref does not exist. */
  async release(ref: string): Promise<LedgerRelease | null> {
    const entry = await this.entry(ref);
    return entry === null ? null : asRelease(entry.data);
  }

  /** The last release that passed verification in `env`. */
  lastGood(env: string): Promise<LedgerRelease | null> {
    return this.release(ledgerRefs(env).good);
  }

  /** What the deployer last put in service in `env`. */
  current(env: string): Promise<LedgerRelease | null> {
    return this.release(ledgerRefs(env).current);
  }

  /** The values a release pointer had, newest first (its first-parent chain), at most `limit`. */
  async history(ref: string, limit: number): Promise<LedgerEntry[]> {
    const tip = await this.git.probe(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
    if (tip === null) return [];
    const out = await this.git.text(["log", "--first-parent", `-n${limit}`, "--format=%H%x00%b%x00%x00", tip, "--"]);
    const entries: LedgerEntry[] = [];
    for (const record of out.split("\0\0")) {
      const [oid = "", body = ""] = record.replace(/^\n/, "").split("\0");
      if (oid === "") continue;
      const data = parseBody(body);
      if (data["ledger"] !== 1) break; // walked past the first value into the project's history
      entries.push({ ref, oid, data });
    }
    return entries;
  }

  /** The note (JSON Lines of records) on `object`, or null. */
  async note(object: string): Promise<string | null> {
    return this.git.probe(["notes", `--ref=${NOTES_REF}`, "show", object]);
  }

  /** Every (note, annotated object) pair of refs/notes/shipgate. */
  async notes(): Promise<{ note: string; object: string }[]> {
    const out = await this.git.probe(["notes", `--ref=${NOTES_REF}`, "list"]);
    if (out === null || out === "") return [];
    return out.split("\n").map((line) => {
      const [note = "", object = ""] = line.split(" ");
      return { note, object };
    });
  }

  /**
   * Rewrites the note on `object` as `edit` returns it, compare-and-swapping refs/notes/shipgate so that two writers
   * never lose each other's note (`git notes add` alone does not check the ref it read). The new notes commit is built
   * on a private ref first; `edit` may be called again when another writer got in between.
   */
  async editNote(object: string, edit: (old: string | null) => string): Promise<void> {
    const scratch = `refs/notes/shipgate-tmp/${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
    try {
      for (let attempt = 0; attempt < 20; attempt++) {
        const tip = await this.git.probe(["rev-parse", "--verify", "--quiet", `${NOTES_REF}^{commit}`]);
        if (tip !== null) await this.git.run(["update-ref", scratch, tip]);
        else await this.git.run(["update-ref", "-d", scratch]);
        const old = tip === null ? null : await this.git.probe(["notes", `--ref=${scratch}`, "show", object]);
        await this.git.run(["notes", `--ref=${scratch}`, "add", "-f", "-F", "-", object], { input: edit(old), env: IDENTITY });
        const next = await this.git.text(["rev-parse", "--verify", scratch]);
        if (await this.apply([{ ref: NOTES_REF, to: next, from: tip }])) return;
      }
      throw new GitError(["notes", "add"], null, `${NOTES_REF} kept changing while a record was written`);
    } finally {
      await this.git.run(["update-ref", "-d", scratch]);
    }
  }
}

/** update-ref's messages for a ref that no longer had the value we named (or is being written right now). */
const CONFLICT =
  /is at [0-9a-f]+ but expected|reference already exists|unable to resolve reference|Unable to create '.*\.lock'|cannot lock ref '[^']*': reference is missing/;

/** A ledger commit's body: the JSON after the subject line. */
function parseBody(body: string): Record<string, unknown> {
  try {
    const data: unknown = JSON.parse(body.trim());
    return data !== null && typeof data === "object" && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function asRelease(data: Record<string, unknown>): LedgerRelease | null {
  const { tag, sha } = data;
  if (typeof tag !== "string" || typeof sha !== "string") return null;
  const release: LedgerRelease = { tag, sha };
  for (const key of ["ref", "deploy", "at"] as const) if (typeof data[key] === "string") release[key] = data[key];
  return release;
}
