/**
 * git's last word after commit-msg: a message that its cleanup leaves empty aborts the commit ("Aborting commit due to
 * empty commit message") unless `--allow-empty-message` was given. pre-commit's fixes are then undone as for a
 * refusal. Decided from git's own command line and config only; whenever anything is unknown (no /proc, a command
 * other than `git commit`, an option this does not read) the answer is no: an undo under a commit that git then makes
 * would leave the index behind the commit.
 */
import { readFileSync } from "node:fs";

export interface CleanupSettings {
  /** `commit.cleanup` from git's config, if set. */
  cleanup: string | undefined;
  /** The comment character git strips with (core.commentChar, resolved). */
  commentChar: string;
}

const SIGN_OFF = "Signed-off-by:";

/** Cheap first look: whether every line is blank, a sign-off, or starts with something other than a letter or digit. */
export function mightBeEmpty(raw: string): boolean {
  return raw.split("\n").every((line) => line.trim() === "" || line.startsWith(SIGN_OFF) || !/^[\p{L}\p{N}]/u.test(line));
}

/** `git`'s arguments (after the program name) of a running process, from /proc; null where there is none. */
export function gitArguments(pid: number): string[] | null {
  try {
    const parts = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    if (parts.at(-1) === "") parts.pop();
    return parts.slice(1);
  } catch {
    return null;
  }
}

/** Whether git will abort this commit for an empty message; false whenever that is not certain. */
export function abortsAsEmpty(raw: string, gitArgs: readonly string[], settings: CleanupSettings): boolean {
  const options = commitOptions(gitArgs);
  if (options === null || options.allowEmpty) return false;
  const mode = options.cleanup ?? settings.cleanup ?? "default";
  if (mode === "verbatim") return raw.length === 0;
  const strips = mode === "strip" || mode === "scissors" || (mode === "default" && options.editing);
  if (!strips && mode !== "whitespace" && mode !== "default") return false;
  let lines = raw.replace(/\r\n/g, "\n").split("\n");
  if (strips) {
    const scissors = lines.indexOf(`${settings.commentChar} ------------------------ >8 ------------------------`);
    if (scissors !== -1) lines = lines.slice(0, scissors);
    lines = lines.filter((line) => !line.startsWith(settings.commentChar));
  }
  return lines.every((line) => line.trim() === "" || line.startsWith(SIGN_OFF));
}

interface CommitOptions {
  allowEmpty: boolean;
  cleanup: string | undefined;
  /** Whether git opens the editor (its cleanup then strips comments). */
  editing: boolean;
}

/** git's global options that take the next argument. */
const GLOBAL_WITH_VALUE = new Set(["-C", "-c", "--git-dir", "--work-tree", "--namespace", "--config-env", "--super-prefix"]);
/** `git commit` options that take the next argument (unless written `--name=value`). */
const WITH_VALUE = new Set(["--author", "--date", "--trailer", "--pathspec-from-file", "--cleanup", "--template", "-t"]);
const MESSAGE = new Set(["-m", "--message", "-F", "--file", "-C", "--reuse-message", "--fixup"]);
const REEDIT = new Set(["-c", "--reedit-message"]);
/** Options that change neither the editor nor the message's cleanup. Any other option: no verdict. */
const PLAIN = new Set([
  ..."-a -s -n -v -q -o -u -S -z".split(" "),
  ..."--all --signoff --no-signoff --no-verify --verify --verbose --quiet --only --include --allow-empty --reset-author".split(" "),
  ..."--no-post-rewrite --gpg-sign --no-gpg-sign --untracked-files --pathspec-file-nul --null --no-ahead-behind".split(" "),
]);
/** Options whose effect on the editor or the message this does not model: no verdict with them. */
const UNMODELLED = new Set(["--squash", "--amend", "--interactive", "-i", "--patch", "-p", "--dry-run", "--status", "--no-status"]);

/** The options of `git commit` that decide the empty-message check, or null when they cannot be read for sure. */
function commitOptions(args: readonly string[]): CommitOptions | null {
  let at = 0;
  while (at < args.length && (args[at] ?? "").startsWith("-")) at += GLOBAL_WITH_VALUE.has(args[at] ?? "") ? 2 : 1;
  if (args[at] !== "commit") return null;
  const found = { allowEmpty: false, cleanup: undefined as string | undefined, message: false, reedit: false, edit: false, noEdit: false };
  for (let i = at + 1; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--") break;
    const [name, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, null];
    const value = (): string | undefined => inline ?? args[++i];
    if (UNMODELLED.has(name)) return null;
    if (name === "--allow-empty-message") found.allowEmpty = true;
    else if (name === "--cleanup") found.cleanup = value();
    else if (name === "-e" || name === "--edit") found.edit = true;
    else if (name === "--no-edit") found.noEdit = true;
    else if (MESSAGE.has(name) || REEDIT.has(name) || WITH_VALUE.has(name)) {
      found.message ||= MESSAGE.has(name);
      found.reedit ||= REEDIT.has(name);
      value();
    } else if (/^-[a-zA-Z]{2,}/.test(arg)) {
      const cluster = shortCluster(arg.slice(1));
      if (cluster === null) return null;
      if (cluster.takesNext) i++;
      found.message ||= cluster.message;
      found.reedit ||= cluster.reedit;
      found.edit ||= cluster.edit;
    } else if (arg.startsWith("-") && !PLAIN.has(name)) return null;
  }
  const editing = found.edit || (!found.noEdit && (found.reedit || !found.message));
  return { allowEmpty: found.allowEmpty, cleanup: found.cleanup, editing };
}

/** Letters of a cluster such as `-am` or `-vsm'msg'`: what they say, and whether the next argument is a value. */
function shortCluster(letters: string): { message: boolean; reedit: boolean; edit: boolean; takesNext: boolean } | null {
  const result = { message: false, reedit: false, edit: false, takesNext: false };
  for (let j = 0; j < letters.length; j++) {
    const letter = letters[j] as string;
    if ("mFC".includes(letter)) result.message = true;
    else if (letter === "c") result.reedit = true;
    else if (letter === "e") result.edit = true;
    else if (letter === "S" || letter === "u")
      return result; // an optional value, attached
    else if (letter === "i" || letter === "p") return null;
    else if (letter === "t") return { ...result, takesNext: j === letters.length - 1 };
    else if (!"avsnqoz".includes(letter)) return null;
    // A letter that takes a value takes the rest of the cluster, or the next argument.
    if ("mFCc".includes(letter)) return { ...result, takesNext: j === letters.length - 1 };
  }
  return result;
}
