import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createRepo, linkTools, SHIPGATE_BIN, type TestRepo } from "@shipgate/test-utils";

const FILES = 40;
const ugly = (i: number) => `const   v${i} = {k:${i}}\n`;
const pretty = (i: number) => `const v${i} = { k: ${i} };\n`;
const unstagedLine = "// unstaged work\n";

function stage(r: TestRepo): void {
  for (let i = 0; i < FILES; i++) r.write({ [`f${i}.js`]: ugly(i) });
  r.git("add", "-A");
  for (let i = 0; i < FILES; i += 3) r.write({ [`f${i}.js`]: ugly(i) + unstagedLine });
}

function state(r: TestRepo): { index: string; files: string[] } {
  return { index: r.git("ls-files", "-s"), files: Array.from({ length: FILES }, (_, i) => readFileSync(join(r.dir, `f${i}.js`), "utf8")) };
}

let lastStderr = "";

function runHook(r: TestRepo, delayMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SHIPGATE_BIN, "run", "pre-commit"], { cwd: r.dir, env: r.env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGINT"), delayMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      lastStderr = `${signal ?? ""} ${stderr}`;
      resolve(signal === null ? code : 128 + 2);
    });
  });
}

describe("Ctrl-C during pre-commit", () => {
  it("leaves index and work tree exactly as before, or fully fixed when the hook had finished", { timeout: 300_000 }, async () => {
    const r = createRepo({ files: { ".shipgate.yml": "policies:\n  prettier: error\n", ".gitignore": "node_modules/\n" } });
    linkTools(r.dir, ["prettier"]);
    stage(r);
    const started = performance.now();
    await runHook(r, 60_000);
    const full = performance.now() - started;
    const fixed = state(r);
    for (let i = 0; i < FILES; i++) expect(fixed.files[i]).toBe(i % 3 === 0 ? ugly(i) + unstagedLine : pretty(i));

    let interrupted = 0;
    for (let n = 0; n < 30; n++) {
      stage(r);
      const before = state(r);
      const code = await runHook(r, Math.round((full * n) / 20));
      const after = state(r);
      if (code === 0) expect(after).toEqual(fixed);
      else {
        interrupted++;
        const label = `interrupted after ${Math.round((full * n) / 20)}ms (exit ${code}): ${lastStderr.replace(/\n/g, " | ")}`;
        const changed = after.index.split("\n").filter((line) => !before.index.split("\n").includes(line));
        expect(changed, label).toEqual([]);
        expect(after.files, label).toEqual(before.files);
      }
    }
    expect(interrupted).toBeGreaterThan(0);
  });
});
