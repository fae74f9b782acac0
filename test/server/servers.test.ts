/** The test servers themselves: what a test starts is gone when it stops, down to the worker processes. */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { tempDir } from "@shipgate/test-utils";
import { startGitHttp } from "@shipgate/test-utils/servers";

/** Pids of the processes whose command line mentions `text` (from /proc). */
function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(text)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

describe("the smart HTTP test server", () => {
  it("leaves no fcgiwrap worker running once stopped", async () => {
    const before = new Set(processesMentioning("fcgiwrap"));
    const http = await startGitHttp({ projectRoot: tempDir(), users: { alice: "s3cret" } });
    const mine = processesMentioning("fcgiwrap").filter((pid) => !before.has(pid));
    expect(mine.length).toBeGreaterThan(1); // the parent and its -c 4 workers
    await http.stop();
    const left = mine.filter((pid) => processesMentioning("fcgiwrap").includes(pid));
    expect(left).toEqual([]);
  });
});
