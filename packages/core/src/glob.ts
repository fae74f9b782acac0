/** Path globs as users write them in config: `**` across folders, a pattern without `/` matches a base name. */
import picomatch from "picomatch";

export type Matcher = (path: string) => boolean;

export function compileGlobs(patterns: readonly string[]): Matcher {
  if (patterns.length === 0) return () => false;
  const matchers = patterns.map((pattern) => picomatch(pattern, { dot: true, basename: !pattern.includes("/"), nocase: false }));
  return (path) => matchers.some((match) => match(path));
}

/** The first pattern a path matches, for messages that say why. */
export function firstMatch(patterns: readonly string[], path: string): string | null {
  for (const pattern of patterns) if (compileGlobs([pattern])(path)) return pattern;
  return null;
}
