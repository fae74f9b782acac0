/** Sentences of the verifiers: what passed, what failed and why (to fold into the package's messages.ts). */
import { formatSeconds } from "../process.js";

export const verifierMessages = {
  probe: (n: number, atMs: number, result: string, tookMs: number) => `probe ${n} at +${Math.round(atMs)} ms: ${result} (${Math.round(tookMs)} ms)`,
  answered: (status: number) => `answered ${status}`,
  wrongStatus: (status: number, expected: number) => `answered ${status}, expected ${expected}`,
  bodyMismatch: (status: number, text: string) => `answered ${status} but the body does not contain ${JSON.stringify(text)}`,
  refused: "connection refused",
  reset: "connection reset",
  noResponse: (ms: number) => `no response within ${formatSeconds(ms)}`,
  requestFailed: (why: string) => `request failed: ${why}`,
  httpPassed: (successes: number, probes: number) => `${successes} consecutive probes passed (${probes} probes)`,
  httpFailed: (failures: number, last: string) => `${failures} consecutive probes failed; the last one: ${last}`,
  windowClosed: (probes: number, last: string | null) =>
    `no verdict before the verification window closed (${probes} probes${last === null ? "" : `; the last one: ${last}`})`,
  stopped: "stopped before a verdict",
  commandPassed: (code: number) => `exited with code ${code}`,
  commandFailed: (code: number, expected: number) => `exited with code ${code}, expected ${expected}`,
  crashed: (why: string) => `failed to run: ${why}`,
  nothingToVerify: "no verifiers configured: nothing to verify",
  allPassed: (parts: readonly string[]) => `verified: ${parts.join("; ")}`,
  named: (name: string, reason: string) => `${name}: ${reason}`,
  cancelled: "verification was cancelled",
};

/** Sentences of the `prometheus` verifier: what Prometheus answered, and what to change when it cannot be judged. */
export const prometheusMessages = {
  query: (query: string) => `query: ${query}`,
  result: (value: number, labels: string, verdict: "good" | "bad", condition: string) => `${value} ${labels} (${condition}: ${verdict})`,
  empty: (why: string, onEmpty: string) => `no data: ${why} (onEmpty: ${onEmpty})`,
  noSeries: "the query returned no series",
  nan: "the query returned NaN (e.g. 0/0 when there was no traffic)",
  passed: (successes: number, queries: number) => `${successes} consecutive results were good (${queries} queries)`,
  failed: (failures: number, last: string) => `${failures} consecutive results were bad; the last one: ${last}`,
  errored: (errors: number, last: string) =>
    `${errors} consecutive queries got no result; the last one: ${last} — check that Prometheus runs and that url points at it`,
  neverData: (queries: number) =>
    `no data before the verification window closed (${queries} queries, every result empty or NaN): check that the app receives traffic and is scraped (its job and labels in the query), or set onEmpty: pass to accept no data`,
  refused: "Prometheus refused the connection (is it running, and is url its address?)",
  unreachable: (why: string) => `Prometheus could not be reached: ${why}`,
  noAnswer: (ms: number) => `Prometheus did not answer within ${formatSeconds(ms)} (raise timeout, or make the query cheaper)`,
  notTheApi: (status: number) =>
    `answered HTTP ${status} without the Prometheus API's JSON${status === 401 || status === 403 ? " (credentials: put user:password in url)" : ""}: set url to the Prometheus server itself (e.g. http://127.0.0.1:9090, shipgate adds /api/v1/query)`,
  queryError: (type: string, error: string) =>
    `Prometheus rejected the query (${type}): ${error}${type === "bad_data" ? " — fix the query (try it in Prometheus's own UI first)" : ""}`,
  wrongResultType: (type: string) => `the query returned a ${type}, not a number: use an instant vector or a scalar (e.g. rate(x[1m]), not x[1m])`,
  severalSeries: (count: number, shown: readonly string[]) =>
    `the query returned ${count} series, expected one: ${shown.join(", ")}${count > shown.length ? ", …" : ""} — aggregate them, e.g. sum(...) or max(...)`,
  notANumber: "the query returned a value that is not a number (a native histogram?): select a number",
  answerTooLarge: (bytes: number) => `Prometheus answered more than ${bytes} bytes: the query returns far too many series; aggregate it to one`,
  redirectWithoutLocation: "Prometheus answered a redirect without a Location",
  redirectRefused: (to: string) => `Prometheus redirected to ${to}; shipgate follows redirects only to loopback addresses: set url to the final address`,
  tooManyRedirects: (max: number) => `more than ${max} redirects: set url to the final address`,
};
