/** A bare repository guarded by shipgate's installed hooks, and helpers to push to it and inspect what it holds. */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRepo, run, tempDir, type TestRepo } from "@shipgate/test-utils";
import { workspaceRoot } from "@shipgate/test-utils/pack";

export interface Gate {
  remote: TestRepo;
  configFile: string;
  auditFile: string;
  /** Parsed audit log entries. */
  audit(): Record<string, unknown>[];
  refs(): string;
  has(oid: string): boolean;
}

export interface GateOptions {
  objectFormat?: "sha1" | "sha256";
  /** The shipgate executable to install with (default: the workspace build). */
  shipgate?: string;
  flavor?: string;
  /** Where the bare repository is created (e.g. under an HTTP project root). */
  dir?: string;
}

/** The workspace CLI (built by ensureBuilt in the suite's beforeAll). */
export const workspaceShipgate = join(workspaceRoot, "packages", "cli", "bin.js");

export function createGate(configYaml: string, options: GateOptions = {}): Gate {
  const remote = createRepo({ bare: true, ...(options.objectFormat ? { objectFormat: options.objectFormat } : {}) });
  const configFile = join(tempDir("shipgate-etc-"), "server.yml");
  const auditFile = join(remote.dir, "shipgate-audit.jsonl");
  writeFileSync(configFile, configYaml);
  install(remote.dir, configFile, options);
  return {
    remote,
    configFile,
    auditFile,
    audit: () => {
      try {
        return readFileSync(auditFile, "utf8")
          .split("\n")
          .filter((line) => line !== "")
          .map((line) => JSON.parse(line) as Record<string, unknown>);
      } catch {
        return [];
      }
    },
    refs: () => remote.git("for-each-ref", "--format=%(refname) %(objectname)"),
    has: (oid) => remote.gitRaw(["cat-file", "-e", oid]).status === 0,
  };
}

export function install(repoDir: string, configFile: string, options: GateOptions = {}): string {
  const shipgate = options.shipgate ?? workspaceShipgate;
  const args = ["server", "install", repoDir, "--config", configFile, ...(options.flavor ? ["--flavor", options.flavor] : [])];
  const result = shipgate.endsWith(".js") ? run(process.execPath, [shipgate, ...args], { cwd: repoDir }) : run(shipgate, args, { cwd: repoDir });
  if (result.code !== 0) throw new Error(`shipgate server install failed (${result.code}): ${result.stderr}${result.stdout}`);
  return result.stdout;
}

/** A working clone-to-be with `main` checked out and a first conventional commit. */
export function createWorkRepo(objectFormat?: "sha1" | "sha256"): TestRepo {
  return createRepo({ files: { "README.md": "# app\n" }, message: "chore: initial commit", ...(objectFormat ? { objectFormat } : {}) });
}

export function push(local: TestRepo, url: string, args: string[], env: Record<string, string> = {}): { code: number; stderr: string } {
  const result = local.gitRaw(["push", "--porcelain", url, ...args], { env });
  return { code: result.status ?? -1, stderr: `${result.stderr}${result.stdout}` };
}
