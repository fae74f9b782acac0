import { describe, expect, it } from "vitest";
import { decodeName, HookInputError, parsePushOptions, parseRefUpdates, pusherIdentity, readPushOptions } from "./input.js";

const A = "a".repeat(40);
const Z = "0".repeat(40);

describe("parseRefUpdates", () => {
  it("reads every line, with 40- and 64-hex ids and hostile but valid ref names kept as data", () => {
    const input = Buffer.from(`${Z} ${A} refs/heads/$(id)\n${A} ${Z} refs/heads/\`id\`\n${A} ${A} refs/tags/-rf\n${A} ${A} refs/heads/"q'\n`);
    expect(parseRefUpdates(input, "sha1").map((u) => u.name)).toEqual(["refs/heads/$(id)", "refs/heads/`id`", "refs/tags/-rf", `refs/heads/"q'`]);
    const long = "b".repeat(64);
    expect(parseRefUpdates(Buffer.from(`${"0".repeat(64)} ${long} refs/heads/main\n`), "sha256")).toEqual([
      { oldOid: "0".repeat(64), newOid: long, name: "refs/heads/main" },
    ]);
    expect(parseRefUpdates(Buffer.alloc(0), "sha1")).toEqual([]);
  });

  it("shows non-UTF-8 bytes of a ref name as \\xNN instead of replacing them", () => {
    const input = Buffer.concat([Buffer.from(`${Z} ${A} refs/heads/caf`), Buffer.from([0xe9, 0xff]), Buffer.from("\n")]);
    expect(parseRefUpdates(input, "sha1")[0]?.name).toBe("refs/heads/caf\\xe9\\xff");
    expect(decodeName(Buffer.from("refs/heads/ü"))).toBe("refs/heads/ü");
  });

  it.each([
    ["a short id", `${"a".repeat(39)} ${A} refs/heads/main`],
    ["a sha256 id in a sha1 repository", `${"a".repeat(64)} ${A} refs/heads/main`],
    ["upper-case hex", `${"A".repeat(40)} ${A} refs/heads/main`],
    ["a missing ref", `${Z} ${A}`],
    ["a ref outside refs/", `${Z} ${A} HEAD`],
    ["a control character", `${Z} ${A} refs/heads/a\x1bb`],
    ["a double dot", `${Z} ${A} refs/heads/a..b`],
    ["an empty line in the middle", `${Z} ${A} refs/heads/a\n\n${Z} ${A} refs/heads/b`],
  ])("refuses %s", (_what, line) => {
    expect(() => parseRefUpdates(Buffer.from(`${line}\n`), "sha1")).toThrow(HookInputError);
  });
});

describe("push options", () => {
  it("reads GIT_PUSH_OPTION_<i> up to the count and ignores a bogus count", () => {
    expect(readPushOptions({ GIT_PUSH_OPTION_COUNT: "2", GIT_PUSH_OPTION_0: "a=1", GIT_PUSH_OPTION_1: "", GIT_PUSH_OPTION_2: "extra" })).toEqual(["a=1", ""]);
    expect(readPushOptions({ GIT_PUSH_OPTION_COUNT: "0" })).toEqual([]);
    expect(readPushOptions({ GIT_PUSH_OPTION_COUNT: "1e9x" })).toEqual([]);
    expect(readPushOptions({ GIT_PUSH_OPTION_COUNT: "-3" })).toEqual([]);
  });

  it("finds the bypass reason whatever the spelling, and reports unknown shipgate options", () => {
    expect(parsePushOptions(["ci.skip", 'shipgate.bypass="hotfix = now"', "shipgate.colour=1"])).toEqual({
      bypass: { reason: '"hotfix = now"' },
      unknown: ["shipgate.colour"],
    });
    expect(parsePushOptions(["SHIPGATE.BYPASS"]).bypass).toEqual({ reason: "" });
    expect(parsePushOptions(["shipgate.bypass=", "shipgate.bypass=$(reboot)"]).bypass).toEqual({ reason: "$(reboot)" });
    expect(parsePushOptions(["other=shipgate.bypass=x"]).bypass).toBeNull();
  });
});

describe("pusherIdentity", () => {
  it("takes the first non-empty variable the flavour trusts", () => {
    expect(pusherIdentity({ REMOTE_USER: " ", SHIPGATE_USER: "alice", GL_USERNAME: "mallory" }, ["REMOTE_USER", "SHIPGATE_USER"])).toBe("alice");
    expect(pusherIdentity({ GL_USERNAME: "mallory" }, ["REMOTE_USER"])).toBeNull();
  });
});
