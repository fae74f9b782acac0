/** The `prometheus` verifier against a real Prometheus scraping a real /metrics endpoint every second. */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { freePort } from "@shipgate/test-utils/servers";
import type { PrometheusVerifierSettings } from "../../packages/deploy/src/settings.js";
import { createHttpVerifier, createPrometheusVerifier, runVerification } from "../../packages/deploy/src/verifiers/index.js";
import type { DeployRequest } from "../../packages/deploy/src/types.js";
import { every, startMetricsApp, startPrometheus, type MetricsApp, type RunningPrometheus } from "./prometheus-fixture.js";

/** The error ratio of one release: 5xx answers over all answers in the last 5 seconds. */
const ERROR_RATIO =
  'sum(rate(http_requests_total{code=~"5..",job="app",version="{{tag}}"}[5s])) / sum(rate(http_requests_total{job="app",version="{{tag}}"}[5s]))';

let prometheus: RunningPrometheus;
let app: MetricsApp;
let stopTraffic = () => undefined as void;

beforeAll(async () => {
  app = await startMetricsApp();
  prometheus = await startPrometheus([app.target]);
  // v1 answers every request, v2 fails half of them; 5xx counters exist from the start, as instrumented apps do.
  app.count("v1", 500, 0);
  stopTraffic = every(100, () => {
    app.count("v1", 200, 10);
    app.count("v2", 200, 5);
    app.count("v2", 500, 5);
  });
  await prometheus.waitForData(ERROR_RATIO.replaceAll("{{tag}}", "v2"));
}, 60_000);

afterAll(async () => {
  // Also after a failed beforeAll (prometheus not installed): only what was started is stopped.
  stopTraffic();
  await (prometheus as RunningPrometheus | undefined)?.stop();
  await (app as MetricsApp | undefined)?.close();
});

/** Settings as the deploy: schema outputs them (every default filled in), with small intervals. */
function settings(overrides: Partial<PrometheusVerifierSettings>): PrometheusVerifierSettings {
  const defaults = { successes: 3, failureLimit: 1, errorLimit: 3, onEmpty: "wait", initialDelay: 0, timeout: 10 } as const;
  return { ...defaults, name: "error ratio", url: prometheus.url, query: ERROR_RATIO, failIf: "> 0.05", interval: 0.2, ...overrides };
}

function request(tag: string): DeployRequest {
  const release = { tag, sha: "0".repeat(40) };
  return {
    env: "production",
    gitDir: "/nonexistent",
    signal: new AbortController().signal,
    log: () => undefined,
    outputLimit: 65536,
    release,
    previous: null,
    lastGood: null,
  };
}

const verify = (overrides: Partial<PrometheusVerifierSettings>, tag = "v1", window = 20) =>
  runVerification([createPrometheusVerifier(settings(overrides))], request(tag), window);

describe("the prometheus verifier", () => {
  it("passes a release whose error ratio stays below failIf, querying with its tag filled in", async () => {
    const outcome = await verify({});
    expect(outcome).toMatchObject({ ok: true, probes: 3, reason: "verified: prometheus error ratio: 3 consecutive results were good (3 queries)" });
    expect(outcome.output).toContain(`query: ${ERROR_RATIO.replaceAll("{{tag}}", "v1")}\n`);
    expect(outcome.output).toMatch(/^probe 3 at \+\d+ ms: 0 \{\} \(failIf > 0\.05: good\) \(\d+ ms\)$/m);
  });

  it("fails a release whose error ratio is above failIf, quoting the value, and measures the detection", async () => {
    const outcome = await verify({ failureLimit: 2 }, "v2");
    expect(outcome).toMatchObject({ ok: false, probes: 2 });
    expect(outcome.reason).toBe("prometheus error ratio: 2 consecutive results were bad; the last one: 0.5 {} (failIf > 0.05: bad)");
    expect(outcome.detectionMs).toBeGreaterThan(0);
  });

  it("judges successIf the other way round: only a result that meets it is good", async () => {
    const { failIf: _, ...successIf } = settings({ successIf: "< 0.05" });
    const verifySuccessIf = (tag: string) => runVerification([createPrometheusVerifier(successIf)], request(tag), 20);
    expect((await verifySuccessIf("v1")).ok).toBe(true);
    const bad = await verifySuccessIf("v2");
    expect(bad.reason).toBe("prometheus error ratio: 1 consecutive results were bad; the last one: 0.5 {} (successIf < 0.05: bad)");
  });

  it("fails, never passes, when Prometheus is down, saying it could not be reached", async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    const outcome = await verify({ url: down, interval: 0.1, errorLimit: 3 });
    expect(outcome.ok).toBe(false);
    expect(outcome.reason).toBe(
      "prometheus error ratio: 3 consecutive queries got no result; the last one: Prometheus refused the connection (is it running, and is url its address?) — check that Prometheus runs and that url points at it",
    );
    const closed = await verify({ url: down, interval: 0.1, errorLimit: 1000 }, "v1", 1);
    expect(closed.ok).toBe(false);
    expect(closed.reason).toMatch(/no verdict before the verification window closed \(\d+ probes; the last one: Prometheus refused the connection/);
  });

  it("fails at once on a query Prometheus rejects, quoting Prometheus's own error", async () => {
    const outcome = await verify({ query: 'sum(rate(http_requests_total{version="{{tag}}"}[5s]) /' });
    expect(outcome).toMatchObject({ ok: false, probes: 1 });
    expect(outcome.reason).toMatch(
      /^prometheus error ratio: Prometheus rejected the query \(bad_data\): invalid parameter "query": .*parse error: .* — fix the query \(try it in Prometheus's own UI first\)$/,
    );
  });

  it("fails at once when the query returns several series, naming their labels", async () => {
    const outcome = await verify({ query: 'sum by (version) (rate(http_requests_total{job="app"}[5s]))' });
    expect(outcome).toMatchObject({ ok: false, probes: 1 });
    expect(outcome.reason).toBe(
      'prometheus error ratio: the query returned 2 series, expected one: {version="v1"}, {version="v2"} — aggregate them, e.g. sum(...) or max(...)',
    );
  });

  it("waits through empty results and, when the window closes without data, says there was none", async () => {
    const query = 'sum(rate(http_requests_total{version="{{tag}}"}[5s]))';
    const waited = await verify({ query, failIf: "> 100" }, "v9", 1.5);
    expect(waited.ok).toBe(false);
    expect(waited.reason).toMatch(
      /^prometheus error ratio: no data before the verification window closed \(\d+ queries, every result empty or NaN\): .*onEmpty: pass/,
    );
    expect(waited.output).toContain("no data: the query returned no series (onEmpty: wait)");
    expect(await verify({ query, failIf: "> 100", onEmpty: "pass", successes: 2 }, "v9")).toMatchObject({ ok: true, probes: 2 });
    const failed = await verify({ query, failIf: "> 100", onEmpty: "fail" }, "v9");
    expect(failed).toMatchObject({ ok: false, probes: 1 });
    expect(failed.reason).toContain("the last one: no data: the query returned no series (onEmpty: fail)");
  });

  it("counts NaN (0/0: no traffic) as no data, not as a pass", async () => {
    const outcome = await verify({ query: "0 / 0", onEmpty: "fail" });
    expect(outcome.reason).toContain("no data: the query returned NaN");
  });

  it("escapes the release tag for the string it is in, so a tag cannot rewrite the query", async () => {
    // Unescaped, this tag would close the matcher and add `or vector(0)`: a 0 that passes failIf > 0.
    const hostile = 'x"})or(vector(0))#';
    const outcome = await verify({ query: 'sum(http_requests_total{code="500",version="{{tag}}"})', failIf: "> 0", onEmpty: "fail", successes: 1 }, hostile);
    expect(outcome.ok).toBe(false);
    expect(outcome.output).toContain('query: sum(http_requests_total{code="500",version="x\\"})or(vector(0))#"})\n');
    expect(outcome.reason).toContain("no data: the query returned no series");
  });
});

describe("the prometheus verifier facing a server that is not a well-behaved Prometheus", () => {
  async function serve(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<string> {
    const server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    onTestFinished(() => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    });
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it("follows a redirect to Prometheus on a loopback address", async () => {
    const proxy = await serve((_, response) => response.writeHead(307, { location: `${prometheus.url}/api/v1/query` }).end());
    expect((await verify({ url: proxy })).ok).toBe(true);
  });

  it("is stopped, its request aborted, when another verifier of the environment fails first", async () => {
    let aborted!: () => void;
    const abortedQuery = new Promise<void>((resolve) => (aborted = resolve));
    const hanging = await serve((request, response) => response.on("close", () => !response.writableEnded && aborted()));
    const refused = `http://127.0.0.1:${await freePort()}/health`;
    const health = createHttpVerifier({ url: refused, status: 200, interval: 0.05, successes: 1, failures: 2, initialDelay: 0.3, timeout: 1 });
    const outcome = await runVerification([health, createPrometheusVerifier(settings({ url: hanging, timeout: 60 }))], request("v1"), 60);
    await abortedQuery;
    expect(outcome.reason).toBe(`http ${refused}: 2 consecutive probes failed; the last one: connection refused`);
    expect(outcome.output).toContain(`== prometheus error ratio\nquery: ${ERROR_RATIO.replaceAll("{{tag}}", "v1")}\n`);
  });

  it("sends user:password of the url as basic auth, and never records them", async () => {
    const guarded = await serve((request, response) => {
      if (request.headers.authorization !== `Basic ${Buffer.from("shipgate:s3cret").toString("base64")}`) return void response.writeHead(401).end();
      response.writeHead(200, { "content-type": "application/json" }).end('{"status":"success","data":{"resultType":"scalar","result":[1,"0"]}}');
    });
    const outcome = await verify({ url: guarded.replace("http://", "http://shipgate:s3cret@") });
    expect(outcome).toMatchObject({ ok: true, probes: 3 });
    expect(JSON.stringify(outcome)).not.toContain("s3cret");
    const refused = await verify({ url: guarded.replace("http://", "http://shipgate:wrong@") });
    expect(refused.reason).toMatch(/answered HTTP 401 without the Prometheus API's JSON \(credentials: put user:password in url\)/);
  });

  it("refuses a redirect away from loopback without following it", async () => {
    const proxy = await serve((_, response) => response.writeHead(302, { location: "http://192.0.2.1/api/v1/query" }).end());
    const outcome = await verify({ url: proxy });
    expect(outcome).toMatchObject({ ok: false, probes: 1 });
    expect(outcome.reason).toBe(
      "prometheus error ratio: Prometheus redirected to http://192.0.2.1/api/v1/query; shipgate follows redirects only to loopback addresses: set url to the final address",
    );
  });

  it("stops reading an answer larger than 1 MiB", async () => {
    const huge = await serve((_, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(`{"status":"success","data":{"resultType":"vector","result":[${'{"metric":{},"value":[1,"1"]},'.repeat(80_000)}]}}`);
    });
    const outcome = await verify({ url: huge });
    expect(outcome.reason).toBe(
      "prometheus error ratio: Prometheus answered more than 1048576 bytes: the query returns far too many series; aggregate it to one",
    );
  });

  it("names a server that answers without the Prometheus API's JSON", async () => {
    const page = await serve((_, response) => response.writeHead(200, { "content-type": "text/html" }).end("<html>Grafana</html>"));
    const outcome = await verify({ url: page });
    expect(outcome).toMatchObject({ ok: false, probes: 1 });
    expect(outcome.reason).toMatch(/answered HTTP 200 without the Prometheus API's JSON: set url to the Prometheus server itself/);
  });
});
