/** Every user-facing sentence of the `shipgate` command's own code in one place (the libraries have theirs). */

export const messages = {
  notACommit: (rev: string) => `--range: "${rev}" does not name a commit here`,
  notACommitHint: "Use branch names, tags or commit ids that exist in this clone (in a shallow CI clone, fetch them first).",
  cannotReadFile: (path: string, reason: string) => `cannot lint ${path}: ${reason}`,
  cannotReadFileHint: "Pass SQL files (a shell glob such as db/migrations/*.sql), or no file to lint the migrations since the last release.",
} as const;
