import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createRepo, gitEnv, run, tempDir } from "@shipgate/test-utils";
import { installHooks, uninstallHooks } from "./install.js";
import { shQuote } from "./templates.js";

/** A stand-in for the built entry: install only checks that bin.js and the bundle it loads exist. */
function fakeEntry(): string {
  const dir = tempDir();
  writeFileSync(join(dir, "bin.js"), "");
  run("mkdir", ["-p", join(dir, "dist", "bundle")], { cwd: dir });
  writeFileSync(join(dir, "dist", "bundle", "hook.cjs"), "");
  return join(dir, "bin.js");
}

function setup() {
  const repo = createRepo({ bare: true });
  const config = join(tempDir(), "it's server.yml");
  writeFileSync(config, "policies:\n  commit-message: error\n");
  return { repo, config, options: { flavor: "bare" as const, config, cwd: repo.dir, env: gitEnv(), entry: fakeEntry() } };
}

describe("installHooks", () => {
  it("writes executable sh hooks that quote every path, and is idempotent", async () => {
    const { repo, config, options } = setup();
    const first = await installHooks(repo.dir, options);
    const hook = join(repo.dir, "hooks", "pre-receive");
    expect(statSync(hook).mode & 0o111).toBe(0o111);
    const script = readFileSync(hook, "utf8");
    expect(script).toContain(`config=${shQuote(config)}`);
    expect(run("sh", ["-n", hook], { cwd: repo.dir }).code).toBe(0);
    expect(first.actions).toContain("set receive.advertisePushOptions=true so pushers can send -o shipgate.bypass=...");
    const second = await installHooks(repo.dir, options);
    expect(second.actions.filter((a) => a.startsWith("updated"))).toHaveLength(2);
    expect(readFileSync(hook, "utf8")).toBe(script);
    expect(existsSync(`${hook}.shipgate-chained`)).toBe(false);
  });

  it("keeps a foreign hook as chained, refuses to clobber a second one, and uninstall restores it", async () => {
    const { repo, options } = setup();
    const hook = join(repo.dir, "hooks", "pre-receive");
    writeFileSync(hook, "#!/bin/sh\necho theirs\n", { mode: 0o755 });
    const result = await installHooks(repo.dir, options);
    expect(result.actions).toContain("kept the existing pre-receive as pre-receive.shipgate-chained; it runs after shipgate with the same input");
    expect(readFileSync(`${hook}.shipgate-chained`, "utf8")).toContain("echo theirs");
    await installHooks(repo.dir, options);
    expect(readFileSync(`${hook}.shipgate-chained`, "utf8")).toContain("echo theirs");
    writeFileSync(hook, "#!/bin/sh\necho another\n", { mode: 0o755 });
    await expect(installHooks(repo.dir, options)).rejects.toThrow(/already holds a chained hook/);
    writeFileSync(hook, readFileSync(join(repo.dir, "hooks", "post-receive")));
    await uninstallHooks(repo.dir, options);
    expect(readFileSync(hook, "utf8")).toBe("#!/bin/sh\necho theirs\n");
    expect(existsSync(join(repo.dir, "hooks", "post-receive"))).toBe(false);
  });

  it("writes GitLab's custom_hooks/pre-receive.d and a standalone GitHub Enterprise script", async () => {
    const { repo, options } = setup();
    await installHooks(repo.dir, { ...options, flavor: "gitlab" });
    const gitlab = readFileSync(join(repo.dir, "custom_hooks", "pre-receive.d", "shipgate"), "utf8");
    expect(gitlab).toContain("--flavor gitlab");
    expect(gitlab).not.toContain("chained");
    const out = tempDir();
    await expect(installHooks(out, { ...options, flavor: "github", config: "server.yml" })).rejects.toThrow(/absolute/);
    const github = await installHooks(out, {
      ...options,
      flavor: "github",
      config: "/shipgate/server.yml",
      entry: "/shipgate/node_modules/@shipgate/server/bin.js",
    });
    const script = readFileSync(github.target, "utf8");
    expect(script).toContain("node=node");
    expect(script).toContain("config='/shipgate/server.yml'");
    await uninstallHooks(repo.dir, { ...options, flavor: "gitlab" });
    expect(existsSync(join(repo.dir, "custom_hooks", "pre-receive.d", "shipgate"))).toBe(false);
  });

  it("refuses a server config that enables no policy, for every flavour, unless server.allowEmpty says so", async () => {
    const { repo, options } = setup();
    const write = (yaml: string) => {
      const file = join(tempDir(), "server.yml");
      writeFileSync(file, yaml);
      return file;
    };
    for (const yaml of ["", "policies: {}\n", "policies:\n  secrets: off\n  commit-message: off\n", "server:\n  bypassUsers: [alice]\n"]) {
      const config = write(yaml);
      await expect(installHooks(repo.dir, { ...options, config }), JSON.stringify(yaml)).rejects.toThrow(
        `the server config ${config} enables no policy, so the hook would accept every push`,
      );
      await expect(installHooks(tempDir(), { ...options, flavor: "github", config })).rejects.toThrow(/enables no policy/);
    }
    expect(existsSync(join(repo.dir, "hooks", "pre-receive"))).toBe(false);
    await installHooks(repo.dir, { ...options, config: write("extends: recommended\n") });
    await installHooks(repo.dir, { ...options, config: write("policies: {}\nserver:\n  allowEmpty: true\n") });
    expect(existsSync(join(repo.dir, "hooks", "pre-receive"))).toBe(true);
  });

  it("refuses a directory that is not a repository and a config that does not validate", async () => {
    const { repo, options } = setup();
    await expect(installHooks(tempDir(), options)).rejects.toThrow(/not (inside )?a git repository/);
    const bad = join(tempDir(), "bad.yml");
    writeFileSync(bad, "policies:\n  nope: error\n");
    await expect(installHooks(repo.dir, { ...options, config: bad })).rejects.toThrow(/not a valid shipgate config/);
    expect(existsSync(join(repo.dir, "hooks", "pre-receive"))).toBe(false);
  });
});
