/** Path globs as users write them in config: `**` across folders, a pattern without `/` matches a base name. */
import picomatch from "picomatch";

export type Matcher = (path: string) => boolean;

export function compileGlobs(patterns: readonly string[]): Matcher {
  if (patterns.length === 0) return () => false;
  // A pattern without "/" is matched against the base name, cut once per path rather than once per pattern.
  const matchers = patterns.map((pattern) => ({ base: !pattern.includes("/"), match: picomatch(pattern, { dot: true, nocase: false }) }));
  // A push names the same paths in commit after commit: each distinct path is matched once.
  const verdicts = new Map<string, boolean>();
  return (path) => {
    let verdict = verdicts.get(path);
    if (verdict === undefined) {
      const base = path.slice(path.lastIndexOf("/") + 1);
      verdict = matchers.some((m) => m.match(m.base ? base : path));
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
