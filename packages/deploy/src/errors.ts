/** The deploy package's typed errors: each maps to an exit code and names the way forward. */
import { ExitCode, ShipgateError } from "@shipgate/core/errors";
import type { LockData } from "./lock.js";
import { messages } from "./messages.js";

/** Another process deploys this environment right now; nothing was changed. */
export class EnvironmentBusy extends ShipgateError {
  readonly exitCode = ExitCode.Blocked;
  constructor(
    readonly env: string,
    readonly holder: LockData | null,
  ) {
    super(messages.busy(env, holder), { hint: messages.busyHint(env) });
  }
}

/** The deploy was refused before anything was deployed: frozen environment, release marked bad. */
export class DeployRefused extends ShipgateError {
  readonly exitCode = ExitCode.Blocked;
  constructor(message: string, hint: string) {
    super(message, { hint });
  }
}
