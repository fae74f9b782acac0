/** The client's escape hatches: SHIPGATE=0 skips everything, SHIPGATE_SKIP=a,b skips named policies; both are announced. */
import { POLICIES } from "@shipgate/core";
import { messages } from "./messages.js";

export interface SkipDecision {
  all: boolean;
  policies: string[];
  notices: string[];
}

export function readSkips(env: NodeJS.ProcessEnv): SkipDecision {
  const value = (env["SHIPGATE"] ?? "").trim().toLowerCase();
  if (value === "0" || value === "false" || value === "off") return { all: true, policies: [], notices: [messages.skippedAll] };
  const requested = (env["SHIPGATE_SKIP"] ?? "")
    .split(",")
    .map((id) => id.trim())
    .filter((id) => id !== "");
  const known = POLICIES.map((p) => p.id);
  const notices: string[] = [];
  const policies: string[] = [];
  for (const id of requested) {
    if (known.includes(id)) policies.push(id);
    else notices.push(messages.unknownSkip(id, known));
  }
  if (policies.length > 0) notices.unshift(messages.skippedPolicies(policies));
  return { all: false, policies, notices };
}
