/**
 * Path globs as users write them in config: `**` across folders, a pattern without `/` matches a base name.
 * picomatch turns a glob into a regular expression; its lookarounds (never a `.` or `..` segment, never an empty
 * one) are what keep that expression off V8's linear-time engine, and git paths have no such segments (git refuses
 * them in an index and fsck reports them in a tree). Without them the expression runs in linear time: a glob with
 * several stars against a pushed 4,000-character path (`*a*b*c` took 2.7 s on the backtracking engine) cannot keep a
 * hook busy. A glob that still needs backtracking (an extglob such as `!(*.js)`) runs as picomatch compiles it.
 */
import picomatch from "picomatch";
import { linearRegExp } from "./regex.js";

export type Matcher = (path: string) => boolean;

const OPTIONS = { dot: true, nocase: false } as const;
/** What picomatch adds for `.`/`..` segments and empty ones, in the order they are taken out. */
const NO_DOT_RUN = String.raw`(?:(?!(?:^|\/)\.{1,2}(?:\/|$)).)*?`;
const SEGMENT_GUARDS = [String.raw`(?!(?:^|\/)\.{1,2}(?:\/|$))`, String.raw`(?!\.{1,2}(?:\/|$))`, "(?=.)"];

export interface GlobRegExp {
  test: (path: string) => boolean;
  /** Whether it runs on the linear-time engine. */
  linear: boolean;
}

const compiled = new Map<string, GlobRegExp>();

/** One glob as a matcher of whole paths (or base names: the caller decides), on the linear-time engine when it can be. */
export function globRegExp(pattern: string): GlobRegExp {
  const hit = compiled.get(pattern);
  if (hit !== undefined) return hit;
  const regex = picomatch.makeRe(pattern, OPTIONS);
  let source = regex.source.split(NO_DOT_RUN).join(".*?");
  for (const guard of SEGMENT_GUARDS) source = source.split(guard).join("");
  const linear = linearRegExp(source, regex.flags);
  const result: GlobRegExp = linear !== null ? { test: (path) => linear.test(path), linear: true } : { test: picomatch(pattern, OPTIONS), linear: false };
  compiled.set(pattern, result);
  return result;
}

export function compileGlobs(patterns: readonly string[]): Matcher {
  if (patterns.length === 0) return () => false;
  // A pattern without "/" is matched against the base name, cut once per path rather than once per pattern.
  const matchers = patterns.map((pattern) => ({ base: !pattern.includes("/"), match: globRegExp(pattern) }));
  // A push names the same paths in commit after commit: each distinct path is matched once.
  const verdicts = new Map<string, boolean>();
  return (path) => {
    let verdict = verdicts.get(path);
    if (verdict === undefined) {
      const base = path.slice(path.lastIndexOf("/") + 1);
      verdict = matchers.some((m) => m.match.test(m.base ? base : path));
      verdicts.set(path, verdict);
    }
    return verdict;
  };
}

/** The first pattern a path matches, for messages that say why. */
export function firstMatch(patterns: readonly string[], path: string): string | null {
  for (const pattern of patterns) if (compileGlobs([pattern])(path)) return pattern;
  return null;
}
