/** Annotated tags a push brings: their objects read in bulk, a tag of a tag followed to the end, messages kept. */
import type { ObjectReader } from "../git/cat-file.js";
import { decodeMessage, parsePerson } from "./commit-object.js";
import type { TagInfo } from "./types.js";

/** Tags of tags nest; git itself stops following them after this many. */
const MAX_DEPTH = 32;

/**
 * The tag objects `tips` point at (each a ref and the tag id it points at), then the tags those point at, and so on:
 * one bulk read per level of nesting. A tag reached twice is listed once, under the first ref that reached it.
 */
export async function readTags(objects: ObjectReader, tips: readonly { ref: string; oid: string }[]): Promise<TagInfo[]> {
  const tags: TagInfo[] = [];
  const seen = new Set<string>();
  let level: { ref: string; oid: string }[] = [];
  for (const tip of tips) {
    if (seen.has(tip.oid)) continue;
    seen.add(tip.oid);
    level.push(tip);
  }
  for (let depth = 0; depth < MAX_DEPTH && level.length > 0; depth++) {
    const read = await objects.readMany(level.map((tip) => tip.oid));
    const next: { ref: string; oid: string }[] = [];
    read.forEach((object, i) => {
      const tip = level[i] as { ref: string; oid: string };
      if (object?.type !== "tag") return;
      const tag = parseTagObject(tip.oid, tip.ref, object.content);
      tags.push(tag);
      if (tag.targetType === "tag" && !seen.has(tag.target)) {
        seen.add(tag.target);
        next.push({ ref: tip.ref, oid: tag.target });
      }
    });
    level = next;
  }
  return tags;
}

/**
 * Parses a raw tag object (`object`, `type`, `tag`, `tagger` headers, then the message). A signed tag's signature stays
 * in the message: git finds it by a marker line the tagger writes, so cutting there would let text hide behind one.
 */
export function parseTagObject(oid: string, ref: string, raw: Buffer): TagInfo {
  const split = raw.indexOf("\n\n");
  const headers = raw.toString("utf8", 0, split === -1 ? raw.length : split).split("\n");
  const body = split === -1 ? Buffer.alloc(0) : raw.subarray(split + 2);
  const value = (key: string) => headers.find((line) => line.startsWith(`${key} `))?.slice(key.length + 1) ?? null;
  const tagger = value("tagger");
  return {
    oid,
    ref,
    name: value("tag") ?? "",
    target: value("object") ?? "",
    targetType: value("type") ?? "",
    tagger: tagger === null ? null : parsePerson(tagger),
    message: decodeMessage(body, value("encoding")),
  };
}
