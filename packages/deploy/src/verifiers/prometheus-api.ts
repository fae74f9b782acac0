/**
 * One instant query against Prometheus's HTTP API (`POST <url>/api/v1/query`), its answer treated as hostile input:
 * bounded in size, validated, redirects followed only to loopback, and every way it can go wrong named.
 */
import * as v from "valibot";
import { prometheusMessages as say } from "./messages.js";

export type Answer =
  /** One number (a scalar, or a vector of one series); `labels` names the series (`{}` for a scalar). */
  | { kind: "value"; value: number; labels: string }
  /** No data: an empty vector, or NaN (e.g. 0/0 with no traffic). */
  | { kind: "empty"; why: string }
  /**
   * No result; `fatal` when asking again cannot help (a bad query, the wrong shape of result, a redirect away);
   * `badQuery` when the query itself is wrong whatever the data (Prometheus cannot parse it, or it is no instant vector).
   */
  | { kind: "error"; why: string; fatal: boolean; badQuery?: true };

export interface QueryOptions {
  timeoutMs: number;
  signal: AbortSignal;
}

/** Asks; null when `signal` aborted before an answer (the caller decides what that means). */
export async function queryPrometheus(server: string, query: string, options: QueryOptions): Promise<Answer | null> {
  const { url, authorization } = splitCredentials(server);
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([timeout, options.signal]);
  const body = new URLSearchParams({ query, timeout: `${Math.max(1, Math.floor(options.timeoutMs / 1000))}s` }).toString();
  try {
    let target = new URL("api/v1/query", url.href.endsWith("/") ? url : `${url.href}/`);
    for (let hops = 0; ; hops++) {
      const headers: Record<string, string> = {
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
        "user-agent": "shipgate-verify",
      };
      if (authorization !== undefined && target.origin === url.origin) headers["authorization"] = authorization;
      const response = await fetch(target, { method: "POST", body, headers, signal, redirect: "manual" });
      if (response.status < 300 || response.status >= 400) return await readAnswer(response);
      await response.body?.cancel();
      const next = redirectTarget(target, response.headers.get("location"));
      if (typeof next === "string") return { kind: "error", why: next, fatal: true };
      if (hops >= MAX_REDIRECTS) return { kind: "error", why: say.tooManyRedirects(MAX_REDIRECTS), fatal: true };
      target = next;
    }
  } catch (error) {
    if (options.signal.aborted) return null;
    if (timeout.aborted) return { kind: "error", why: say.noAnswer(options.timeoutMs), fatal: false };
    return { kind: "error", why: describeFailure(error), fatal: false };
  }
}

/** The URL without its user:password, and those as a basic Authorization header (fetch refuses URLs holding them). */
function splitCredentials(server: string): { url: URL; authorization?: string } {
  const url = new URL(server);
  if (url.username === "" && url.password === "") return { url };
  const pair = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  url.username = "";
  url.password = "";
  return { url, authorization: `Basic ${Buffer.from(pair).toString("base64")}` };
}

/** Where a redirect leads, when it may be followed (http(s) on a loopback address); otherwise why not. */
function redirectTarget(from: URL, location: string | null): URL | string {
  if (location === null) return say.redirectWithoutLocation;
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    return say.redirectRefused(clip(location));
  }
  const loopback = next.hostname === "localhost" || next.hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(next.hostname);
  if (!loopback || (next.protocol !== "http:" && next.protocol !== "https:")) return say.redirectRefused(clip(next.href));
  return next;
}

async function readAnswer(response: Response): Promise<Answer> {
  const text = await readBounded(response, MAX_ANSWER_BYTES);
  if (text === null) return { kind: "error", why: say.answerTooLarge(MAX_ANSWER_BYTES), fatal: true };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = v.safeParse(ApiAnswer, json);
  if (!parsed.success) {
    // Not the API's JSON: a proxy's error page, the UI, or the wrong server. A 5xx may pass; anything else will not.
    return { kind: "error", why: say.notTheApi(response.status), fatal: response.status < 500 };
  }
  const answer = parsed.output;
  if (answer.status === "error") {
    const why = say.queryError(clip(answer.errorType ?? "error"), clip(answer.error ?? ""));
    return answer.errorType === "bad_data" ? { kind: "error", why, fatal: true, badQuery: true } : { kind: "error", why, fatal: false };
  }
  return readResult(answer.data);
}

function readResult(data: v.InferOutput<typeof Data>): Answer {
  if (data.resultType === "scalar") return valueOf(data.result[1], "{}");
  if (data.resultType !== "vector") return { kind: "error", why: say.wrongResultType(data.resultType), fatal: true, badQuery: true };
  const series = data.result;
  const [only] = series;
  if (only === undefined) return { kind: "empty", why: say.noSeries };
  if (series.length > 1)
    return {
      kind: "error",
      why: say.severalSeries(
        series.length,
        series.slice(0, 3).map((one) => clip(formatLabels(one.metric))),
      ),
      fatal: true,
    };
  if (only.value === undefined) return { kind: "error", why: say.notANumber, fatal: true };
  return valueOf(only.value[1], formatLabels(only.metric));
}

function valueOf(text: string, labels: string): Answer {
  const value = text === "+Inf" ? Infinity : text === "-Inf" ? -Infinity : Number(text);
  if (text === "NaN") return { kind: "empty", why: say.nan };
  if (Number.isNaN(value) || text.trim() === "") return { kind: "error", why: say.notANumber, fatal: true };
  return { kind: "value", value, labels };
}

function formatLabels(metric: Record<string, string>): string {
  return `{${Object.entries(metric)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
    .join(", ")}}`;
}

/** The body as text, or null when it is larger than `limit` bytes (a huge answer must not fill the memory). */
async function readBounded(response: Response, limit: number): Promise<string | null> {
  if (response.body === null) return "";
  const reader = (response.body as ReadableStream<Uint8Array>).getReader(); // @types/node types fetch bodies as streams of any
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    size += read.value.length;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(read.value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function describeFailure(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? (error.cause as NodeJS.ErrnoException) : null;
  if (cause?.code === "ECONNREFUSED") return say.refused;
  return say.unreachable(clip(cause?.message ?? (error instanceof Error ? error.message : String(error))));
}

/** Text from the other side, made safe to print: one line, no control characters, bounded. */
function clip(text: string): string {
  const line = text.replace(/\p{Cc}+/gu, " ").trim();
  return line.length > MAX_QUOTED ? `${line.slice(0, MAX_QUOTED)}…` : line;
}

const Sample = v.tuple([v.number(), v.string()]);
const Data = v.variant("resultType", [
  v.object({ resultType: v.literal("scalar"), result: Sample }),
  v.object({ resultType: v.literal("vector"), result: v.array(v.object({ metric: v.record(v.string(), v.string()), value: v.optional(Sample) })) }),
  v.object({ resultType: v.picklist(["matrix", "string"]), result: v.unknown() }),
]);
const ApiAnswer = v.variant("status", [
  v.object({ status: v.literal("success"), data: Data }),
  v.object({ status: v.literal("error"), errorType: v.optional(v.string()), error: v.optional(v.string()) }),
]);

const MAX_ANSWER_BYTES = 1 << 20;
const MAX_REDIRECTS = 3;
const MAX_QUOTED = 300;
