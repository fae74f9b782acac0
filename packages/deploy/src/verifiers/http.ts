/** The `http` verifier: probes a URL every interval until enough consecutive probes pass, or enough fail. */
import { OutputTail } from "../process.js";
import type { HttpVerifierSettings } from "../settings.js";
import type { Verifier, VerifyOutcome } from "../types.js";
import { verifierMessages as say } from "./messages.js";
import { sleepUntil, type VerifyRequest } from "./timing.js";

export function createHttpVerifier(settings: HttpVerifierSettings): Verifier {
  return { name: `http ${settings.url}`, verify: (request) => probeUntilVerdict(settings, request) };
}

interface Probe {
  ok: boolean;
  /** What happened, as the reason of a verdict quotes it (`answered 500, expected 200`, `connection refused`). */
  result: string;
}

async function probeUntilVerdict(settings: HttpVerifierSettings, request: VerifyRequest): Promise<VerifyOutcome> {
  const startedAt = new Date();
  const start = performance.now();
  const log = new OutputTail(request.outputLimit);
  let probes = 0;
  let passing = 0;
  let failing = 0;
  let streakStart: number | null = null;
  let last: Probe | null = null;
  const verdict = (ok: boolean, reason: string): VerifyOutcome => {
    const detectionMs = !ok && streakStart !== null ? performance.now() - streakStart : undefined;
    const outcome: VerifyOutcome = { ok, reason, output: log.text(), startedAt: startedAt.toISOString(), endedAt: new Date().toISOString(), probes };
    return detectionMs === undefined ? outcome : { ...outcome, detectionMs };
  };

  for (let n = 0; ; n++) {
    // Probes start on a fixed schedule: a slow probe delays the next one, never the ones after it.
    const due = start + settings.initialDelay * 1000 + n * settings.interval * 1000;
    const waited = await sleepUntil(due, request);
    if (waited !== "due") return verdict(false, waited === "deadline" ? say.windowClosed(probes, last?.result ?? null) : say.stopped);
    const probeStart = performance.now();
    const probe = await probeOnce(settings, request);
    if (probe === null) return verdict(false, request.signal.aborted ? say.stopped : say.windowClosed(probes, last?.result ?? null));
    probes++;
    last = probe;
    log.push(Buffer.from(`${say.probe(probes, probeStart - start, probe.result, performance.now() - probeStart)}\n`));
    if (probe.ok) {
      passing++;
      failing = 0;
      streakStart = null;
      if (passing >= settings.successes) return verdict(true, say.httpPassed(passing, probes));
    } else {
      failing++;
      passing = 0;
      streakStart ??= probeStart;
      if (failing >= settings.failures) return verdict(false, say.httpFailed(failing, probe.result));
    }
  }
}

/** One probe; null when the window closed or the verification was stopped while it ran (no result to count). */
async function probeOnce(settings: HttpVerifierSettings, request: VerifyRequest): Promise<Probe | null> {
  const timeoutMs = settings.timeout * 1000;
  const windowLeft = request.deadline - Date.now();
  const timeout = AbortSignal.timeout(Math.max(1, Math.min(timeoutMs, windowLeft)));
  const signal = AbortSignal.any([timeout, request.signal]);
  try {
    // A fresh connection per probe (a restarted app must not be judged on a pooled socket of the old one); redirects
    // are answers like any other status.
    const response = await fetch(settings.url, { signal, redirect: "manual", headers: { connection: "close", "user-agent": "shipgate-verify" } });
    if (response.status !== settings.status) {
      await response.body?.cancel();
      return { ok: false, result: say.wrongStatus(response.status, settings.status) };
    }
    if (settings.body === undefined) {
      await response.body?.cancel();
      return { ok: true, result: say.answered(response.status) };
    }
    const body = await readText(response, MAX_BODY_BYTES);
    return body.includes(settings.body)
      ? { ok: true, result: say.answered(response.status) }
      : { ok: false, result: say.bodyMismatch(response.status, settings.body) };
  } catch (error) {
    if (request.signal.aborted) return null;
    if (timeout.aborted) return timeoutMs <= windowLeft ? { ok: false, result: say.noResponse(timeoutMs) } : null;
    return { ok: false, result: describeFailure(error) };
  }
}

/** The body as text, at most `limit` bytes of it (a health page is small; a huge one must not fill the memory). */
async function readText(response: Response, limit: number): Promise<string> {
  if (response.body === null) return "";
  const reader = (response.body as ReadableStream<Uint8Array>).getReader(); // @types/node types fetch bodies as streams of any
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    chunks.push(read.value);
    size += read.value.length;
    if (size >= limit) {
      await reader.cancel();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, limit).toString("utf8");
}

function describeFailure(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? (error.cause as NodeJS.ErrnoException) : null;
  if (cause?.code === "ECONNREFUSED") return say.refused;
  if (cause?.code === "ECONNRESET" || cause?.code === "UND_ERR_SOCKET") return say.reset;
  return say.requestFailed(cause?.message ?? (error instanceof Error ? error.message : String(error)));
}

const MAX_BODY_BYTES = 1 << 20;
