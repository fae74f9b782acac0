import { describe, expect, it } from "vitest";
import { BIG_FILE_BYTES, progressReporter, REPEAT_AFTER_MS, SLOW_AFTER_MS } from "./progress.js";

/** A reporter whose clock the test moves, and the lines it printed. */
function reporter() {
  let clock = 0;
  const lines: string[] = [];
  const working = progressReporter(
    "prettier",
    (line) => lines.push(line),
    () => clock,
  );
  return { working, lines, advance: (ms: number) => (clock += ms) };
}

const small = (n: number) => ({ path: `src/f${n}.js`, size: 200 });

describe("progress lines of a long-running fixer", () => {
  it("says nothing for a quick run", () => {
    const { working, lines, advance } = reporter();
    for (let i = 0; i < 100; i++) {
      working(small(i), i, 100);
      advance(10);
    }
    expect(lines).toEqual([]);
  });

  it("names the file it starts once the run has taken 2 s, then at most one line every 5 s, never one per file", () => {
    const { working, lines, advance } = reporter();
    for (let i = 0; i < 1000; i++) {
      working(small(i), i, 1000);
      advance(20);
    }
    // 20 s in all: a line at 2 s, then at 7, 12 and 17 s.
    expect(lines).toEqual([
      `shipgate: prettier is still working (${(SLOW_AFTER_MS / 1000).toFixed(1)} s), now on src/f100.js (file 101 of 1000)`,
      `shipgate: prettier is still working (${((SLOW_AFTER_MS + REPEAT_AFTER_MS) / 1000).toFixed(1)} s), now on src/f350.js (file 351 of 1000)`,
      "shipgate: prettier is still working (12.0 s), now on src/f600.js (file 601 of 1000)",
      "shipgate: prettier is still working (17.0 s), now on src/f850.js (file 851 of 1000)",
    ]);
  });

  it("names a file big enough to take seconds before it starts, whenever it comes", () => {
    const { working, lines } = reporter();
    working(small(0), 0, 3);
    working({ path: "dist/bundle.js", size: BIG_FILE_BYTES * 3 }, 1, 3);
    working(small(2), 2, 3);
    expect(lines).toEqual(["shipgate: prettier is working on dist/bundle.js (3.0 MiB), which may take a while"]);
  });
});
