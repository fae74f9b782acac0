/**
 * The replace mechanism on its own, with the races played out deterministically on real files: a writer that opened
 * the file before the replace and writes after it, a file saved twice, and a file system where no hard link is possible.
 */
import { describe, expect, it } from "vitest";
import { appendFileSync, closeSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { NO_OTHER_DEVICE, otherDeviceDir, tempDir } from "@shipgate/test-utils";
import { undoReplacements, WorkTreeWriter } from "./replace-file.js";

const STAGED = Buffer.from("const   a = {b:1}\n");
const FIXED = Buffer.from("const a = { b: 1 };\n");

function setup(scratchIn?: string) {
  const dir = tempDir();
  const scratch = join(scratchIn ?? dir, "scratch");
  mkdirSync(scratch);
  const file = join(dir, "a.js");
  writeFileSync(file, STAGED, { mode: 0o640 });
  return { dir, scratch, file, path: Buffer.from(file), writer: new WorkTreeWriter(scratch) };
}

describe("replacing a work-tree file", () => {
  it("replaces a file that still holds the expected bytes, keeping its mode, and leaves nothing behind", () => {
    const { dir, scratch, file, path, writer } = setup();
    expect(writer.replace(path, STAGED, FIXED)).toBe(true);
    expect(writer.settle()).toEqual([]);
    expect(readFileSync(file)).toEqual(FIXED);
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(readdirSync(scratch)).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(["a.js", "scratch"]);
  });

  it("leaves a file that differs from the expected bytes, writing nothing", () => {
    const { scratch, file, path, writer } = setup();
    const saved = Buffer.concat([STAGED, Buffer.from("// saved\n")]);
    writeFileSync(file, saved);
    expect(writer.replace(path, STAGED, FIXED)).toBe(false);
    expect(readFileSync(file)).toEqual(saved);
    expect(readdirSync(scratch)).toEqual([]);
  });

  it("puts back a save that reaches the replaced file after the compare, and the saver keeps writing into the file the path names", () => {
    const { file, path, writer } = setup();
    // An editor that opened the file before the replace and writes after it, into the file the path no longer names.
    const editor = openSync(file, "a");
    try {
      expect(writer.replace(path, STAGED, FIXED)).toBe(true);
      writeSync(editor, "// first save\n");
      expect(writer.settle()).toEqual([path]);
      expect(writer.replaced).toEqual([]);
      expect(readFileSync(file, "utf8")).toBe(`${STAGED.toString()}// first save\n`);
      writeSync(editor, "// second save\n");
      expect(readFileSync(file, "utf8")).toBe(`${STAGED.toString()}// first save\n// second save\n`);
    } finally {
      closeSync(editor);
    }
  });

  it("keeps both saves when the path changed again before the put-back: the newest in place, the earlier beside it", () => {
    const { dir, file, path, writer } = setup();
    const editor = openSync(file, "a");
    try {
      expect(writer.replace(path, STAGED, FIXED)).toBe(true);
      writeSync(editor, "// save into the old file\n");
      writeFileSync(file, "// newest save\n");
      expect(writer.settle()).toEqual([path]);
    } finally {
      closeSync(editor);
    }
    expect(readFileSync(file, "utf8")).toBe("// newest save\n");
    expect(readFileSync(join(dir, "a.js.shipgate-saved"), "utf8")).toBe(`${STAGED.toString()}// save into the old file\n`);
    expect(writer.rescued.map((r) => r.savedAs.toString())).toEqual([join(dir, "a.js.shipgate-saved")]);
  });

  it.for<[string, boolean]>([
    ["a hard link pins the old file", false],
    ["no hard link can pin it (scratch on another device)", true],
  ])("puts back a save into the old file with the lines appended by path since the replace, when %s", ([, elsewhere], context) => {
    const other = elsewhere ? otherDeviceDir() : undefined;
    // Skipped only on a machine without a second filesystem, and the report says so; CI's machines have /dev/shm.
    if (other === null) return context.skip(NO_OTHER_DEVICE);
    const { dir, file, path, writer } = setup(other);
    const editor = openSync(file, "r+");
    try {
      expect(writer.replace(path, STAGED, FIXED)).toBe(true);
      // The editor truncates the file it opened before the replace; then `>>` appends by path, to the new file.
      ftruncateSync(editor, 0);
      appendFileSync(file, "// appended after\n");
      expect(writer.settle()).toEqual([path]);
    } finally {
      closeSync(editor);
    }
    expect(readFileSync(file, "utf8")).toBe("// appended after\n");
    expect(writer.rescued).toEqual([]);
    expect(readdirSync(dir).filter((name) => name.startsWith("a.js"))).toEqual(["a.js"]);
  });

  it("undoes a replace where the file still holds the fix, and keeps a file saved since", () => {
    const first = setup();
    const second = { file: join(first.dir, "b.js"), path: Buffer.from(join(first.dir, "b.js")) };
    writeFileSync(second.file, STAGED);
    expect(first.writer.replace(first.path, STAGED, FIXED)).toBe(true);
    expect(first.writer.replace(second.path, STAGED, FIXED)).toBe(true);
    first.writer.settle();
    writeFileSync(second.file, "// saved after the fix\n");
    undoReplacements(first.scratch, first.writer.replaced);
    expect(readFileSync(first.file)).toEqual(STAGED);
    expect(readFileSync(second.file, "utf8")).toBe("// saved after the fix\n");
  });

  it("works where no hard link can pin the file (scratch on another device), and still leaves a changed file alone", (context) => {
    const elsewhere = otherDeviceDir();
    // Skipped only on a machine without a second filesystem, and the report says so; CI's machines have /dev/shm.
    if (elsewhere === null) return context.skip(NO_OTHER_DEVICE);
    const { dir, file, path, writer } = setup(elsewhere);
    expect(writer.replace(path, STAGED, FIXED)).toBe(true);
    expect(readFileSync(file)).toEqual(FIXED);
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(writer.replace(path, STAGED, Buffer.from("other\n"))).toBe(false);
    expect(readFileSync(file)).toEqual(FIXED);
    expect(writer.settle()).toEqual([]);
    expect(readdirSync(dir)).toEqual(["a.js"]);
  });

  it("puts back a save that reaches the replaced file after the replace where no hard link can pin it, once settled", (context) => {
    const elsewhere = otherDeviceDir();
    // Skipped only on a machine without a second filesystem, and the report says so; CI's machines have /dev/shm.
    if (elsewhere === null) return context.skip(NO_OTHER_DEVICE);
    const { dir, file, path, writer } = setup(elsewhere);
    const editor = openSync(file, "a");
    try {
      expect(writer.replace(path, STAGED, FIXED)).toBe(true);
      // The editor still holds the old file and saves into it after the replace returned.
      writeSync(editor, "// late save\n");
      expect(writer.settle()).toEqual([path]);
      expect(writer.replaced).toEqual([]);
      expect(readFileSync(file, "utf8")).toBe(`${STAGED.toString()}// late save\n`);
      expect(readdirSync(dir)).toEqual(["a.js"]);
    } finally {
      closeSync(editor);
    }
  });

  it("holds a bounded number of old files open where no hard link is possible, and still checks the earliest", (context) => {
    const elsewhere = otherDeviceDir();
    // Skipped only on a machine without a second filesystem, and the report says so; CI's machines have /dev/shm.
    if (elsewhere === null) return context.skip(NO_OTHER_DEVICE);
    const { dir, scratch } = setup(elsewhere);
    const writer = new WorkTreeWriter(scratch);
    const files = Array.from({ length: 300 }, (_, i) => join(dir, `f${i}.js`));
    for (const file of files) writeFileSync(file, STAGED);
    const editor = openSync(files[0] as string, "a");
    try {
      expect(writer.replace(Buffer.from(files[0] as string), STAGED, FIXED)).toBe(true);
      writeSync(editor, "// saved early\n");
      for (const file of files.slice(1)) expect(writer.replace(Buffer.from(file), STAGED, FIXED)).toBe(true);
      expect(readdirSync("/proc/self/fd").length).toBeLessThan(200);
      expect(writer.settle()).toEqual([Buffer.from(files[0] as string)]);
      expect(readFileSync(files[0] as string, "utf8")).toBe(`${STAGED.toString()}// saved early\n`);
      expect(files.slice(1).every((file) => readFileSync(file).equals(FIXED))).toBe(true);
    } finally {
      closeSync(editor);
    }
  });
});
