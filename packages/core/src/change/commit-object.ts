/** Parses raw commit objects (as `cat-file --batch` returns them): headers, signature presence, encoded messages. */
import { TextDecoder } from "node:util";
import type { CommitInfo, Person } from "./types.js";

export function parseCommitObject(oid: string, raw: Buffer): CommitInfo {
  const split = raw.indexOf("\n\n");
  const headerEnd = split === -1 ? raw.length : split;
  const body = split === -1 ? Buffer.alloc(0) : raw.subarray(split + 2);
  const parents: string[] = [];
  let tree = "";
  let author: Person = { name: "", email: "", date: "" };
  let committer: Person = author;
  let encoding: string | null = null;
  let signed = false;
  // Header lines are read from the bytes: only the values kept are decoded (a push parses thousands of commits).
  for (let start = 0; start < headerEnd;) {
    let end = raw.indexOf(0x0a, start);
    if (end === -1 || end > headerEnd) end = headerEnd;
    const first = raw[start];
    // A line that starts with a space continues a multi-line header (gpgsig, mergetag).
    if (first !== 0x20) {
      const space = raw.indexOf(0x20, start);
      const keyEnd = space === -1 || space > end ? end : space;
      const key = raw.toString("latin1", start, keyEnd);
      const valueStart = Math.min(keyEnd + 1, end);
      if (key === "tree") tree = raw.toString("utf8", valueStart, end);
      else if (key === "parent") parents.push(raw.toString("utf8", valueStart, end));
      else if (key === "author") author = parsePerson(raw.toString("utf8", valueStart, end));
      else if (key === "committer") committer = parsePerson(raw.toString("utf8", valueStart, end));
      else if (key === "encoding") encoding = raw.toString("utf8", valueStart, end);
      else if (key === "gpgsig" || key === "gpgsig-sha256") signed = true;
    }
    start = end + 1;
  }
  return { oid, parents, tree, author, committer, message: decodeMessage(body, encoding), encoding, signed };
}

/** `Name <email> 1700000000 +0100` */
export function parsePerson(value: string): Person {
  const open = value.lastIndexOf(" <");
  const close = value.lastIndexOf(">");
  if (open === -1 || close < open) return { name: value, email: "", date: "" };
  return { name: value.slice(0, open), email: value.slice(open + 2, close), date: value.slice(close + 1).trim() };
}

/** Decodes with the commit's declared encoding; unknown encodings and invalid bytes never throw. */
export function decodeMessage(body: Buffer, encoding: string | null): string {
  const label = (encoding ?? "utf-8").trim().toLowerCase();
  return decoderFor(label).decode(body);
}

/** One decoder per label: a push of many commits would otherwise build one per commit. */
const decoders = new Map<string, TextDecoder>();

function decoderFor(label: string): TextDecoder {
  let decoder = decoders.get(label);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(label, { fatal: false });
    } catch {
      decoder = decoderFor("utf-8");
    }
    // Commits choose their labels: only so many distinct ones are remembered.
    if (decoders.size < 64) decoders.set(label, decoder);
  }
  return decoder;
}
