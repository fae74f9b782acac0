import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { currentOwner, ownerGone, ownerTag, parseOwner } from "./owner.js";

describe("owner tags", () => {
  it("are found again in the names they were put in, and not in names without one", () => {
    const me = currentOwner();
    for (const name of [`shipgate_verify_${ownerTag()}_1a2b3c4d`, `shipgate-old-release-${ownerTag()}-XyZ123`]) expect(parseOwner(name)).toEqual(me);
    for (const name of ["shipgate_verify_0123456789ab", "shipgate-old-release-abc", "shipgate_verify_"]) expect(parseOwner(name)).toBeNull();
  });

  it("judge a process gone only when it is of this machine and its pid runs nothing, or another process", () => {
    const me = currentOwner();
    expect(ownerGone(me)).toBe(false);
    const exited = spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8" });
    const dead = { ...me, pid: Number(exited.stdout.trim()) };
    expect(ownerGone(dead)).toBe(true);
    expect(ownerGone({ ...me, start: me.start === "1" ? "2" : "1" })).toBe(true); // this pid, another start: reused
    expect(ownerGone({ ...dead, machine: me.machine === "00000000" ? "11111111" : "00000000" })).toBe(false);
  });
});
