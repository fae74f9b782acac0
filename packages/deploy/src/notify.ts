/** Tells a Slack-compatible webhook (`{"text": ...}`) about a deploy; a webhook that fails never fails the deploy. */

export type NotifyEvent = "start" | "promote" | "rollback" | "freeze" | "refuse";

export interface NotifyResult {
  event: NotifyEvent;
  ok: boolean;
  /** `HTTP 200`, or why it failed. */
  detail: string;
  at: string;
}

/** Seconds a webhook call may take. */
export const WEBHOOK_TIMEOUT_MS = 5000;

export async function notifyWebhook(url: string, event: NotifyEvent, text: string, timeoutMs = WEBHOOK_TIMEOUT_MS): Promise<NotifyResult> {
  const at = new Date().toISOString();
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    return { event, ok: response.ok, detail: `HTTP ${response.status}`, at };
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    return { event, ok: false, detail: cause ?? (error as Error).message, at };
  }
}
