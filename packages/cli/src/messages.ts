/** Every user-facing sentence of the `shipgate` command's own code in one place (the libraries have theirs). */

export const messages = {
  notACommit: (rev: string) => `--range: "${rev}" does not name a commit here`,
  notACommitHint: "Use branch names, tags or commit ids that exist in this clone (in a shallow CI clone, fetch them first).",
  cannotReadFile: (path: string, reason: string) => `cannot lint ${path}: ${reason}`,
  cannotReadFileHint: "Pass SQL files (a shell glob such as db/migrations/*.sql), or no file to lint the migrations since the last release.",
  notMigrations: (paths: readonly string[], layout: string) =>
    `${paths.join(", ")} ${paths.length === 1 ? "is not a migration" : "are not migrations"} of the ${layout} layout of the other files: its tool would not run ${paths.length === 1 ? "it" : "them"} (a stray file, or a down without its up)`,
  notMigrationsHint:
    "Name only the migration files (a shell glob such as db/migrations/*.sql), choose the layout with --layout, or lint every file in the order given with --order given.",
  unknownChoice: (option: string, value: string, allowed: readonly string[], suggestion: string) =>
    `${option} "${value}"${suggestion}: expected ${allowed.join(", ")}`,
  demoIntro: (root: string) => `throwaway repositories under ${root}, the recommended preset and shipgate's real hooks.`,
  demoSkipped: (what: string, pkg: string) => `Skipped ${what}: ${pkg} is not installed beside shipgate (npm install -D ${pkg}).`,
  demoPassed: (seconds: number) => `Every gate behaved as expected (${seconds}s).`,
  demoFailed: (failures: number) => `${failures} step(s) did not behave as expected.`,
  demoStopped: "Stopped: the demo's processes are stopped and its directories removed.",
  demoKept: (root: string) => `The directories are kept at ${root}.`,
} as const;
