/**
 * Deploy records: one JSON line per deploy in the git note (refs/notes/shipgate) of the commit it deployed, so
 * `git notes --ref shipgate show v3` lists every deploy of v3, in every environment. Writing is idempotent by
 * deploy id: a worker that resumes a job after a crash rewrites its line instead of adding a second one.
 */
import { ObjectReader } from "@shipgate/core";
import type { Ledger } from "@shipgate/core/ledger";
import type { DeployRecord } from "./job.js";

/** Keeps the tail of `output` within `limit` bytes, saying how much was cut. */
export function boundOutput(output: string, limit: number): string {
  const bytes = Buffer.from(output, "utf8");
  if (bytes.length <= limit) return output;
  const tail = bytes
    .subarray(bytes.length - limit)
    .toString("utf8")
    .replace(/^\uFFFD+/, "");
  return `[… ${bytes.length - limit} bytes cut …]\n${tail}`;
}

/** Writes `record` into the note of the commit it deployed, replacing an earlier line of the same deploy. */
export async function saveRecord(ledger: Ledger, record: DeployRecord): Promise<void> {
  const line = JSON.stringify(record);
  await ledger.editNote(record.release.sha, (old) => {
    const others = (old ?? "").split("\n").filter((existing) => existing.trim() !== "" && recordId(existing) !== record.id);
    return `${[...others, line].join("\n")}\n`;
  });
}

/** Every record in refs/notes/shipgate (of one environment when `env` is given), newest first. */
export async function readRecords(ledger: Ledger, env: string | null = null): Promise<DeployRecord[]> {
  const notes = await ledger.notes();
  if (notes.length === 0) return [];
  const reader = new ObjectReader(ledger.git);
  try {
    const blobs = await reader.readMany(notes.map((entry) => entry.note));
    const records: DeployRecord[] = [];
    for (const blob of blobs) {
      for (const line of blob?.content.toString("utf8").split("\n") ?? []) {
        const record = parseRecord(line);
        if (record !== null && (env === null || record.env === env)) records.push(record);
      }
    }
    return records.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  } finally {
    reader.close();
  }
}

/** The record of one deploy, or null. */
export async function findRecord(ledger: Ledger, sha: string, id: string): Promise<DeployRecord | null> {
  const note = await ledger.note(sha);
  for (const line of note?.split("\n") ?? []) {
    const record = parseRecord(line);
    if (record?.id === id) return record;
  }
  return null;
}

function parseRecord(line: string): DeployRecord | null {
  if (line.trim() === "") return null;
  try {
    const data = JSON.parse(line) as Partial<DeployRecord>;
    return data.version === 1 && typeof data.id === "string" && typeof data.env === "string" ? (data as DeployRecord) : null;
  } catch {
    return null;
  }
}

function recordId(line: string): string | null {
  return parseRecord(line)?.id ?? null;
}
