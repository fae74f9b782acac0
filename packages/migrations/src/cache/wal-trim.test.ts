import { describe, expect, it } from "vitest";
import { openPglite } from "../dynamic/database.js";
import { withoutWalAhead } from "./wal-trim.js";

/** The WAL segment files in a tarball from PGlite's dump, by name. */
function segments(tarball: Uint8Array): string[] {
  const text = Buffer.from(tarball).toString("latin1");
  return [...text.matchAll(/pg_wal\/([0-9A-F]{24})\0/g)].map((m) => m[1] ?? "").sort();
}

describe("a data directory tarball without the WAL segments ahead", () => {
  it("drops the segments after the one in use, and the trimmed copy opens with every row that was written", async () => {
    const db = await openPglite();
    // Enough WAL (about 20 MB) to fill a segment, so that PostgreSQL has one ahead of its insert position.
    await db.exec("CREATE TABLE filler (id int PRIMARY KEY, body text); INSERT INTO filler SELECT i, repeat('x', 100) FROM generate_series(1, 120000) i");
    await db.exec("CHECKPOINT");
    const [position] = await db.rows<{ segment: string }>("SELECT pg_walfile_name(pg_current_wal_insert_lsn()) AS segment");
    const current = position?.segment ?? "";
    const tarball = await (db.dumpDataDir?.() ?? Promise.reject(new Error("PGlite dumps its data directory")));
    await db.close();
    const ahead = segments(tarball).filter((s) => s > current);
    expect(ahead.length).toBeGreaterThan(0);

    const trimmed = withoutWalAhead(tarball, current);
    expect(trimmed.dropped.sort()).toEqual(ahead);
    expect(segments(trimmed.tarball)).toEqual(segments(tarball).filter((s) => s <= current));
    expect(trimmed.tarball.length).toBe(tarball.length - ahead.length * (16 * 1024 * 1024 + 512));

    const copy = await openPglite({ dataDir: trimmed.tarball });
    try {
      expect(await copy.rows<{ n: number }>("SELECT count(*)::int AS n FROM filler")).toEqual([{ n: 120000 }]);
      await copy.exec("INSERT INTO filler SELECT i, repeat('y', 100) FROM generate_series(120001, 240000) i");
      expect(await copy.rows<{ n: number }>("SELECT count(*)::int AS n FROM filler")).toEqual([{ n: 240000 }]);
    } finally {
      await copy.close();
    }
  }, 120_000);

  it("leaves a tarball it cannot read, or a position that is no segment name, as it is", () => {
    const junk = Buffer.from("not a tarball at all, but long enough to hold a header block".repeat(20));
    expect(withoutWalAhead(junk, "000000010000000000000001")).toEqual({ tarball: junk, dropped: [] });
    expect(withoutWalAhead(junk, "")).toEqual({ tarball: junk, dropped: [] });
  });
});
