import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "@shipgate/test-utils";
import { readSection } from "@shipgate/core";
import { loadServerConfig, narrowConfig, type ServerConfig } from "./config.js";
import { serverSection } from "./settings.js";

function serverConfig(yaml: string): Promise<ServerConfig> {
  const file = join(tempDir(), "server.yml");
  writeFileSync(file, yaml);
  return loadServerConfig(file);
}

const severities = (config: ServerConfig["config"]) =>
  Object.fromEntries(Object.entries(config.policies as Record<string, { severity: string } | undefined>).flatMap(([id, e]) => (e ? [[id, e.severity]] : [])));

describe("narrowConfig", () => {
  const base = `
policies:
  commit-message: warn
  forbidden-paths:
    severity: error
    patterns: [".env"]
  file-size: off
server:
  allowRepoConfig: true
  repoConfigPolicies: [file-size, branch-name]
`;

  it("lets a pushed config add allowed policies and raise warnings to errors", async () => {
    const server = await serverConfig(base);
    const { config, notes } = narrowConfig(server, [
      { source: ".shipgate.yml at refs/heads/main", text: "policies:\n  commit-message: error\n  file-size:\n    max: 10 KB\n" },
    ]);
    expect(severities(config)).toMatchObject({ "commit-message": "error", "forbidden-paths": "error", "file-size": "error" });
    expect((config.policies as Record<string, { max?: unknown }>)["file-size"]?.max).toBe("10 KB");
    expect(notes).toEqual([]);
  });

  it("never turns a server policy off, lowers it, changes its options, or enables what the server does not allow", async () => {
    const server = await serverConfig(base);
    const { config, notes } = narrowConfig(server, [
      {
        source: "pushed",
        text: "extends: ../../etc/evil.yml\npolicies:\n  forbidden-paths:\n    severity: warn\n    patterns: []\n  commit-message: off\n  protected-refs: error\nserver:\n  failOpen: true\n  bypassUsers: [mallory]\n",
      },
    ]);
    expect(severities(config)).toMatchObject({ "commit-message": "warn", "forbidden-paths": "error" });
    expect(severities(config)["protected-refs"]).toBeUndefined();
    expect((config.policies as Record<string, { patterns?: string[] }>)["forbidden-paths"]?.patterns).toEqual([".env"]);
    expect(readSection(config, serverSection).failOpen).toBe(false);
    expect(readSection(config, serverSection).bypassUsers).toEqual([]);
    expect(notes).toEqual([
      "ignoring pushed extends:: pushed configs cannot pull in other files on the server",
      "pushed cannot turn off or loosen forbidden-paths; the server's setting stands",
      "pushed cannot turn off or loosen commit-message; the server's setting stands",
      "pushed may not turn on protected-refs here (not in server.repoConfigPolicies)",
    ]);
  });

  it("ignores pushed configs that are invalid, hostile YAML or too large, with a note", async () => {
    const server = await serverConfig(base);
    const bomb = `a: &a ["x","x","x","x","x","x","x","x"]\n${Array.from({ length: 60 }, (_, i) => `b${i}: [*a, *a, *a, *a]`).join("\n")}\n`;
    const { config, notes } = narrowConfig(server, [
      { source: "one", text: "policies:\n  file-size:\n    max: huge\n" },
      { source: "two", text: bomb },
      { source: "three", text: null },
      { source: "four", text: "policies: [" },
    ]);
    expect(config).toEqual(server.config);
    expect(notes).toHaveLength(4);
    expect(notes[2]).toBe("ignoring three: larger than 65536 bytes");
  });

  it("takes a pushed pattern only when it runs in linear time, and says which one it ignored and why", async () => {
    const server = await serverConfig(base.replace("[file-size, branch-name]", "[file-size, branch-name, author, secrets, signed-commits]"));
    const { config, notes } = narrowConfig(server, [
      { source: "a", text: 'policies:\n  branch-name:\n    pattern: "^(?=(a+)+$)a"\n' },
      { source: "b", text: 'policies:\n  author:\n    emailPattern: "@example\\\\.com$"\n' },
      { source: "c", text: "policies:\n  secrets:\n    exclude: ['!(*.md)']\n" },
      { source: "d", text: "policies:\n  signed-commits:\n    gnupgHome: /root/.gnupg\n" },
    ]);
    expect(config).toEqual(server.config);
    expect(notes).toEqual([
      expect.stringMatching(
        /^a may not turn on branch-name with policies\.branch-name\.pattern: it needs the backtracking engine \(a backreference, lookahead/,
      ),
      expect.stringMatching(/^b may not turn on author with policies\.author\.emailPattern: it is matched case-insensitively/),
      expect.stringMatching(/^c may not turn on secrets with policies\.secrets\.exclude\[0\]: the glob needs the backtracking engine/),
      "d may not turn on signed-commits here: its options cannot be vetted for a server (set it in the server config)",
    ]);
    const taken = narrowConfig(server, [
      { source: "e", text: 'policies:\n  branch-name:\n    pattern: "^(a+)+$"\n  secrets:\n    exclude: ["**/*a*b*c*d"]\n' },
    ]);
    expect(taken.notes).toEqual([]);
    expect(severities(taken.config)).toMatchObject({ "branch-name": "error", secrets: "error" });
  });
});

describe("loadServerConfig", () => {
  it("takes a config whose only policy comes from another package, and refuses one whose policies are all off", async () => {
    expect((await serverConfig("policies:\n  migrations-immutable: error\n")).config.policies).toMatchObject({ "migrations-immutable": { severity: "error" } });
    await expect(serverConfig("policies:\n  migrations-immutable: off\n  secrets:\n    severity: off\n")).rejects.toThrow(/enables no policy/);
  });

  it("keeps the validated config in the git dir it is given, equal to a fresh load, and reads the file again once it is edited", async () => {
    const dir = tempDir();
    const file = join(dir, "server.yml");
    const gitDir = join(dir, "repo.git");
    writeFileSync(file, "policies:\n  commit-message: warn\n  file-size:\n    max: 1 MB\nserver:\n  bypassUsers: [alice]\n");
    const fresh = await loadServerConfig(file);
    expect(await loadServerConfig(file, gitDir)).toEqual(fresh);
    expect(existsSync(join(gitDir, "shipgate", "config-cache.json"))).toBe(true);
    const cached = await loadServerConfig(file, gitDir);
    expect(cached).toEqual(fresh);
    expect(cached.server.bypassUsers).toEqual(["alice"]);
    writeFileSync(file, "policies:\n  commit-message: error\n  secrets: error\nserver:\n  bypassUsers: [bob, carol]\n");
    const edited = await loadServerConfig(file, gitDir);
    expect(severities(edited.config)).toEqual({ "commit-message": "error", secrets: "error" });
    expect(edited.server.bypassUsers).toEqual(["bob", "carol"]);
  });
});
