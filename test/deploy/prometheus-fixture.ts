/**
 * A real Prometheus for the deploy tests: the Debian `prometheus` binary on a free loopback port, with a temporary config
 * that scrapes the given targets every second and a temporary TSDB; and a metrics endpoint whose request counters the
 * test drives, in the text exposition format.
 */
import { spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { onTestFinished } from "vitest";
import { tempDir } from "@shipgate/test-utils";
import { freePort } from "@shipgate/test-utils/servers";

export const INSTALL_HINT =
  "prometheus is not installed: these tests need a real Prometheus — run `apt-get install -y prometheus && service prometheus stop` (CI installs it through .ci/run)";

export interface RunningPrometheus {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Waits until Prometheus answers `query` with a non-empty result (scrapes have landed). */
  waitForData(query: string): Promise<void>;
  stop(): Promise<void>;
}

/** Fails (never skips) when the binary is missing: a test that cannot run must say so, and how to fix it. */
export function prometheusBinary(): string {
  const found = spawnSync("sh", ["-c", "command -v prometheus"], { encoding: "utf8" });
  const path = found.stdout.trim();
  if (found.status !== 0 || path === "") throw new Error(INSTALL_HINT);
  return path;
}

/** Starts Prometheus scraping `targets` (host:port) as job "app" every second; stopped when the test finishes (in a test). */
export async function startPrometheus(targets: readonly string[]): Promise<RunningPrometheus> {
  const binary = prometheusBinary();
  const dir = tempDir("shipgate-prometheus-");
  const port = await freePort();
  const config = join(dir, "prometheus.yml");
  writeFileSync(
    config,
    JSON.stringify({
      global: { scrape_interval: "1s", evaluation_interval: "1s" },
      scrape_configs: [{ job_name: "app", static_configs: [{ targets }] }],
    }),
  );
  let log = "";
  const child = spawn(
    binary,
    [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`, "--log.level=warn"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout.on("data", (chunk: Buffer) => (log += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  };
  whenTestFinishes(stop);
  const url = `http://127.0.0.1:${port}`;
  await poll(
    async () => (await fetch(`${url}/-/ready`)).ok,
    () => `Prometheus did not get ready (exit ${String(child.exitCode)}): ${log}`,
  );
  return {
    url,
    stop,
    waitForData: (query) =>
      poll(
        async () => {
          const answer = (await (await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}`)).json()) as { data?: { result?: unknown[] } };
          return (answer.data?.result?.length ?? 0) > 0;
        },
        () => `no data for ${query}: ${log}`,
      ),
  };
}

export interface MetricsApp {
  /** `127.0.0.1:<port>`, a scrape target. */
  target: string;
  /** Counts `n` requests answered with `code` by release `version`. */
  count(version: string, code: number, n?: number): void;
  close(): Promise<void>;
}

/** An HTTP server answering /metrics with `http_requests_total{code,version}` counters that the test increments. */
export async function startMetricsApp(): Promise<MetricsApp> {
  const counters = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    if (request.url !== "/metrics") return void response.writeHead(404).end();
    const lines = ["# HELP http_requests_total Requests served.", "# TYPE http_requests_total counter"];
    for (const [labels, value] of counters) lines.push(`http_requests_total{${labels}} ${value}`);
    response.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(`${lines.join("\n")}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  whenTestFinishes(close);
  return {
    close,
    target: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    count: (version, code, n = 1) => {
      const key = `code="${code}",version=${JSON.stringify(version)}`;
      counters.set(key, (counters.get(key) ?? 0) + n);
    },
  };
}

/** Calls `tick` every `ms` until the test finishes or the returned function is called (traffic for an app). */
export function every(ms: number, tick: () => void | Promise<void>): () => void {
  let running = true;
  void (async () => {
    while (running) {
      await Promise.resolve()
        .then(tick)
        .catch(() => undefined); // an app restarting refuses a request or two
      await delay(ms);
    }
  })();
  whenTestFinishes(() => void (running = false));
  return () => void (running = false);
}

/** Runs `cleanup` when the running test finishes; outside a test (beforeAll) the caller cleans up in afterAll. */
function whenTestFinishes(cleanup: () => unknown): void {
  try {
    onTestFinished(async () => void (await cleanup()));
  } catch {
    // not in a test
  }
}

async function poll(ready: () => Promise<boolean>, describe: () => string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await ready().catch(() => false)) return;
    await delay(50);
  }
  throw new Error(describe());
}
