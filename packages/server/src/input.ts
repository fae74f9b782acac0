/** What git hands a pre-receive hook: ref updates on stdin, push options and the pusher's identity in the environment. */
import { ShipgateError, ExitCode, type RefUpdateInput } from "@shipgate/core";
import { messages } from "./messages.js";

/** The hook input cannot be trusted; the push is refused whatever the fail-open setting says. */
export class HookInputError extends ShipgateError {
  readonly exitCode = ExitCode.Usage;
}

const OID = { sha1: /^[0-9a-f]{40}$/, sha256: /^[0-9a-f]{64}$/ } as const;
/** Longest ref name accepted (git's own limit for a ref is the path length of the file system). */
const MAX_REF_BYTES = 4096;

/**
 * Parses every `<old> <new> <ref>` line. Ids must be hex of the repository's hash length; ref names must look like
 * what git's check-ref-format lets through. Names are data: they are decoded for display, never interpreted.
 */
export function parseRefUpdates(input: Buffer, format: "sha1" | "sha256"): RefUpdateInput[] {
  const updates: RefUpdateInput[] = [];
  const text = input.length > 0 && input[input.length - 1] === 10 ? input.subarray(0, input.length - 1) : input;
  if (text.length === 0) return updates;
  let lineNo = 0;
  let start = 0;
  while (start <= text.length) {
    const end = text.indexOf(10, start) === -1 ? text.length : text.indexOf(10, start);
    lineNo++;
    updates.push(parseLine(text.subarray(start, end), lineNo, format));
    start = end + 1;
  }
  return updates;
}

function parseLine(line: Buffer, lineNo: number, format: "sha1" | "sha256"): RefUpdateInput {
  const bad = (why: string) => new HookInputError(messages.badInput(lineNo, why), { hint: messages.badInputHint });
  const first = line.indexOf(32);
  const second = first === -1 ? -1 : line.indexOf(32, first + 1);
  if (first === -1 || second === -1) throw bad("expected <old> <new> <ref>");
  const oldOid = line.subarray(0, first).toString("latin1");
  const newOid = line.subarray(first + 1, second).toString("latin1");
  const ref = line.subarray(second + 1);
  if (!OID[format].test(oldOid) || !OID[format].test(newOid)) throw bad(`object ids must be ${format === "sha1" ? 40 : 64} lowercase hex digits`);
  const problem = refNameProblem(ref);
  if (problem !== null) throw bad(problem);
  return { oldOid, newOid, name: decodeName(ref) };
}

/** The subset of `git check-ref-format` that matters for safety; git has already applied the full rules. */
function refNameProblem(ref: Buffer): string | null {
  if (ref.length === 0) return "empty ref name";
  if (ref.length > MAX_REF_BYTES) return "ref name too long";
  for (const byte of ref) if (byte < 0x20 || byte === 0x7f) return "control character in ref name";
  const name = ref.toString("latin1");
  if (!name.startsWith("refs/")) return "ref name outside refs/";
  if (/[ ~^:?*[\\]|\.\.|@\{|\/\/|\/\.|\.lock(?:\/|$)|\/$|\.$/.test(name)) return "ref name git would not accept";
  return null;
}

/** UTF-8 when it is valid; otherwise each byte above 0x7f is shown as \xNN so reports never misname a ref. */
export function decodeName(bytes: Buffer): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    let out = "";
    for (const byte of bytes) out += byte < 0x80 ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, "0")}`;
    return out;
  }
}

/** Most options git accepts per push; more are ignored rather than read into memory. */
const MAX_PUSH_OPTIONS = 1000;

/** `git push -o` values, as receive-pack exports them (GIT_PUSH_OPTION_COUNT is set to 0 even when none were sent). */
export function readPushOptions(env: NodeJS.ProcessEnv): string[] {
  const count = Number(env["GIT_PUSH_OPTION_COUNT"] ?? "0");
  if (!Number.isSafeInteger(count) || count <= 0) return [];
  const options: string[] = [];
  for (let i = 0; i < Math.min(count, MAX_PUSH_OPTIONS); i++) {
    const value = env[`GIT_PUSH_OPTION_${i}`];
    if (value !== undefined) options.push(value);
  }
  return options;
}

export interface BypassRequest {
  /** The reason as given (may be empty, which is refused). */
  reason: string;
}

export interface ParsedPushOptions {
  bypass: BypassRequest | null;
  /** `shipgate.*` options this version does not know, reported to the pusher. */
  unknown: string[];
}

/** Reads shipgate's own options (`shipgate.bypass=<reason>`); other tools' options are left alone. */
export function parsePushOptions(options: readonly string[]): ParsedPushOptions {
  let bypass: BypassRequest | null = null;
  const unknown: string[] = [];
  for (const option of options) {
    const eq = option.indexOf("=");
    const key = (eq === -1 ? option : option.slice(0, eq)).trim();
    if (!key.toLowerCase().startsWith("shipgate.")) continue;
    if (key.toLowerCase() === "shipgate.bypass") {
      const reason = eq === -1 ? "" : option.slice(eq + 1).trim();
      if (bypass === null || (bypass.reason === "" && reason !== "")) bypass = { reason };
    } else unknown.push(key);
  }
  return { bypass, unknown };
}

/** The variables each host sets to the authenticated pusher, in the order they are trusted. */
export const IDENTITY_VARS: Record<Flavor, readonly string[]> = {
  bare: ["REMOTE_USER", "SHIPGATE_USER"],
  gitolite: ["GL_USER"],
  gitlab: ["GL_USERNAME"],
  github: ["GITHUB_USER_LOGIN"],
};

export type Flavor = "bare" | "gitolite" | "gitlab" | "github";
export const FLAVORS: readonly Flavor[] = ["bare", "gitolite", "gitlab", "github"];

export function isFlavor(value: string): value is Flavor {
  return (FLAVORS as readonly string[]).includes(value);
}

/** The authenticated user, from the first non-empty variable of `from`; null when the host says nothing. */
export function pusherIdentity(env: NodeJS.ProcessEnv, from: readonly string[]): string | null {
  for (const name of from) {
    const value = env[name]?.trim();
    if (value !== undefined && value !== "") return value;
  }
  return null;
}
