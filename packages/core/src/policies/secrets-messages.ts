/** Commit messages (pending and pushed) and annotated tag messages scanned for the well-known token formats. */
import type { Change } from "../change/types.js";
import type { Issue } from "./policy.js";
import { KEYWORDS, hitSeverity, redact, scanKnownFormats, type Hit, type ScanOptions } from "./secrets-scan.js";

type Options = ScanOptions & { testKeys: "error" | "warn" | "off" };

/** Issues for the message being written, the new commits' messages and the pushed tags' messages, with line numbers. */
export function scanMessages(change: Change, o: Options, keep: (hit: Hit) => boolean): Issue[] {
  const issues: Issue[] = [];
  const rotate = "Rotate the credential now (anyone who fetched it has it)";
  if (change.message !== null) {
    const source = change.message.source;
    scan(change.message.text, o, keep, (line, hit) =>
      issues.push(issue(hit, o, { path: source, line }, "in the commit message", "Remove it from the message and rotate it if it was ever shared.")),
    );
  }
  // A push brings thousands of commits: a message without a keyword costs one test and allocates nothing.
  for (let i = 0; i < change.commits.length; i++) {
    const commit = change.commits[i] as Change["commits"][number];
    if (!KEYWORDS.test(commit.message)) continue;
    scan(commit.message, o, keep, (line, hit) =>
      issues.push(issue(hit, o, { commit: commit.oid, line }, "in the commit message", `${rotate}, then reword the commit (git rebase -i, "reword").`)),
    );
  }
  for (const tag of change.tags) {
    scan(tag.message, o, keep, (line, hit) =>
      issues.push(
        issue(
          hit,
          o,
          { ref: tag.ref, line },
          `in the message of annotated tag ${tag.name}`,
          `${rotate}, then recreate the tag without it (git tag -f -a ${tag.name} ${tag.target}).`,
        ),
      ),
    );
  }
  return issues;
}

/** Calls `found` for each hit in `text`, line by line; most messages hold no keyword and cost one test. */
function scan(text: string, o: Options, keep: (hit: Hit) => boolean, found: (line: number, hit: Hit) => void): void {
  if (!KEYWORDS.test(text)) return;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) for (const hit of scanKnownFormats(lines[i] as string, o)) if (keep(hit)) found(i + 1, hit);
}

function issue(hit: Hit, o: Options, where: Pick<Issue, "path" | "commit" | "ref" | "line">, place: string, fix: string): Issue {
  const shown = hit.kind === "private key" ? "" : ` (${redact(hit.value)})`;
  const severity = hitSeverity(hit, o.testKeys);
  return { ...where, column: hit.column, ...(severity !== undefined ? { severity } : {}), message: `${hit.kind} found ${place}${shown}`, fix };
}
