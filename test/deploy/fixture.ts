/**
 * The fixture app of the deploy tests: a git repository of a tiny Node HTTP service with five release tags, and a deploy
 * root whose restart script really (re)starts it from `<root>/current` on a free loopback port.
 *
 *   v1, v2  healthy                      v4  healthy, but its smoke test fails
 *   v3      /health answers 500          v5  crashes at start (connection refused)
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { onTestFinished } from "vitest";
import { createRepo, tempDir, type TestRepo } from "@shipgate/test-utils";
import type { CommandVerifierSettings, HttpVerifierSettings, ReleaseDirSettings } from "../../packages/deploy/src/settings.js";
import type { Release } from "../../packages/deploy/src/types.js";

/** The app's sources, committed into the fixture repository at every tag. */
export const FIXTURE_APP_DIR = fileURLToPath(new URL("./fixture-app/app/", import.meta.url));
/** Stops the app named by `<root>/shared/app.pid` and starts `<root>/current/server.mjs` in the background. */
export const FIXTURE_RESTART = fileURLToPath(new URL("./fixture-app/restart.sh", import.meta.url));

export const FIXTURE_TAGS = ["v1", "v2", "v3", "v4", "v5"] as const;
export type FixtureTag = (typeof FIXTURE_TAGS)[number];

/** What each tag's app.json says: the status of /health, the answer of /greeting (the smoke test wants "hello"), a crash. */
const BEHAVIOUR: Record<FixtureTag, Record<string, unknown>> = {
  v1: { health: 200, greeting: "hello" },
  v2: { health: 200, greeting: "hello" },
  v3: { health: 500, greeting: "hello" },
  v4: { health: 200, greeting: "broken" },
  v5: { health: 200, greeting: "hello", crash: true },
};

export interface FixtureApp {
  /** The working repository holding the tags (push it to a bare remote for end-to-end tests). */
  repo: TestRepo;
  /** Its git directory, as a DeployRequest's `gitDir`. */
  gitDir: string;
  releases: Record<FixtureTag, Release>;
  /** The deploy root: `releases/`, `current`, and `shared/.env` holding the app's port. */
  root: string;
  port: number;
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** The release-dir settings that deploy this app into `root` (shared `.env`, the fixture restart script). */
  deployer(overrides?: Partial<ReleaseDirSettings>): ReleaseDirSettings;
  /** An http verifier of `/health` with small intervals. */
  health(overrides?: Partial<HttpVerifierSettings>): HttpVerifierSettings;
  /** The app's smoke test (`node smoke.mjs` in `<root>/current`). */
  smoke(overrides?: Partial<CommandVerifierSettings>): CommandVerifierSettings;
  /** The version the app serves now, or null when nothing answers. */
  version(): Promise<string | null>;
  /** Polls until the app serves `tag` (or gives up after about 10 s) and returns what it served last. */
  waitForVersion(tag: string): Promise<string | null>;
  /** Kills the app (also done when the test finishes). */
  stop(): void;
}

export async function createFixtureApp(): Promise<FixtureApp> {
  const repo = createRepo();
  const releases = {} as Record<FixtureTag, Release>;
  for (const tag of FIXTURE_TAGS) {
    const files = {
      "server.mjs": readFileSync(join(FIXTURE_APP_DIR, "server.mjs")),
      "smoke.mjs": readFileSync(join(FIXTURE_APP_DIR, "smoke.mjs")),
      "app.json": `${JSON.stringify({ version: tag, ...BEHAVIOUR[tag] }, null, 2)}\n`,
      ".env": "PORT=1\n", // a placeholder: the deployer links the real one from <root>/shared
    };
    const sha = repo.commit(`feat: release ${tag}`, files);
    repo.git("tag", "-a", "-m", `release ${tag}`, tag);
    releases[tag] = { tag, sha };
  }

  const root = tempDir("shipgate-deploy-root-");
  const port = await freePort();
  mkdirSync(join(root, "shared"));
  writeFileSync(join(root, "shared", ".env"), `PORT=${port}\n`);
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = () => {
    try {
      process.kill(Number(readFileSync(join(root, "shared", "app.pid"), "utf8")), "SIGKILL");
    } catch {
      // not started, or already gone
    }
  };
  onTestFinished(stop);

  const version = async () => {
    try {
      const response = await fetch(`${baseUrl}/version`, { signal: AbortSignal.timeout(2000) });
      return response.ok ? await response.text() : null;
    } catch {
      return null;
    }
  };
  return {
    repo,
    gitDir: join(repo.dir, ".git"),
    releases,
    root,
    port,
    baseUrl,
    // Settings as the deploy: schema outputs them (every default filled in).
    deployer: (overrides = {}) => ({
      type: "release-dir",
      root,
      shared: [".env"],
      build: [],
      restart: ["sh", FIXTURE_RESTART],
      keep: 5,
      timeout: 30,
      ...overrides,
    }),
    health: (overrides = {}) => ({
      url: `${baseUrl}/health`,
      status: 200,
      interval: 0.05,
      successes: 2,
      failures: 3,
      initialDelay: 0,
      timeout: 1,
      ...overrides,
    }),
    smoke: (overrides = {}) => ({ command: ["node", "smoke.mjs"], exitCode: 0, cwd: join(root, "current"), timeout: 30, ...overrides }),
    version,
    waitForVersion: async (tag) => {
      let served = await version();
      for (let i = 0; i < 200 && served !== tag; i++) {
        await delay(50);
        served = await version();
      }
      return served;
    },
    stop,
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}
