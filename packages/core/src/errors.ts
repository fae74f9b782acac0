/** Typed errors thrown deep in shipgate and turned into an exit code and one sentence at the entry point. */

/** Exit codes are part of the tested contract. */
export const ExitCode = {
  Pass: 0,
  Blocked: 1,
  Usage: 2,
  Internal: 3,
  DeployRolledBack: 4,
  DeployFrozen: 5,
  /** Stopped by a signal after cleaning up: 128 + the signal's number, as shells report it. */
  HangUp: 129,
  Interrupted: 130,
  Terminated: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Marks shipgate errors across copies of this module (a bundled CLI and an installed package are two copies). */
const BRAND = Symbol.for("shipgate.error");

/** Where a config error's hint says the schema is; the CLI puts the path of the package that runs in its place. */
export const SCHEMA_FILE = "node_modules/shipgate/schema.json";

export function isShipgateError(value: unknown): value is ShipgateError {
  return value instanceof Error && (value as unknown as Record<symbol, unknown>)[BRAND] === true;
}

export abstract class ShipgateError extends Error {
  readonly [BRAND] = true;
  abstract readonly exitCode: ExitCode;
  /** One sentence that tells the user what to do about it. */
  readonly hint: string | undefined;
  constructor(message: string, options?: { hint?: string | undefined; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options?.hint;
  }
}

/** The configuration file or a preset is invalid. */
export class ConfigError extends ShipgateError {
  readonly exitCode = ExitCode.Usage;
  readonly issues: readonly string[];
  constructor(message: string, options?: { hint?: string; issues?: readonly string[]; cause?: unknown }) {
    super(message, options);
    this.issues = options?.issues ?? [];
  }
}

/** The command line was used wrongly. */
export class UsageError extends ShipgateError {
  readonly exitCode: ExitCode = ExitCode.Usage;
}

/**
 * `--help` or `-h`: the message is the help text, for stdout, and the exit code is 0. A UsageError, so a command that
 * maps its own errors still passes it on to the CLI like any other mistake on the command line.
 */
export class HelpRequested extends UsageError {
  override readonly exitCode: ExitCode = ExitCode.Pass;
}

/** A help request from any copy of this module (a plugin package has its own). */
export function isHelpRequest(error: unknown): error is HelpRequested {
  return isShipgateError(error) && error.exitCode === ExitCode.Pass;
}

/** A git command failed. */
export class GitError extends ShipgateError {
  readonly exitCode = ExitCode.Internal;
  readonly args: readonly string[];
  readonly stderr: string;
  readonly code: number | null;
  constructor(args: readonly string[], code: number | null, stderr: string, hint?: string) {
    super(
      `git ${args
        .filter((a) => !a.startsWith("-c"))
        .slice(0, 3)
        .join(" ")} failed (exit ${code ?? "signal"}): ${firstLine(stderr)}`,
      { hint },
    );
    this.args = args;
    this.stderr = stderr;
    this.code = code;
  }
}

/** Something that should never happen: a bug in shipgate or its environment. */
export class InternalError extends ShipgateError {
  readonly exitCode = ExitCode.Internal;
}

/** Policies refused the change; the findings were already reported. */
export class PolicyViolation extends ShipgateError {
  readonly exitCode = ExitCode.Blocked;
}

/** A run stopped by SIGHUP, SIGINT or SIGTERM once it had removed what it made; exits 129, 130 or 143. */
export class Cancelled extends ShipgateError {
  readonly exitCode: ExitCode;
  readonly signal: "SIGHUP" | "SIGINT" | "SIGTERM";
  constructor(signal: "SIGHUP" | "SIGINT" | "SIGTERM", message: string, options?: { hint?: string }) {
    super(message, options);
    this.signal = signal;
    this.exitCode = signal === "SIGHUP" ? ExitCode.HangUp : signal === "SIGINT" ? ExitCode.Interrupted : ExitCode.Terminated;
  }
}

function firstLine(text: string): string {
  const line = text.trim().split("\n")[0] ?? "";
  return line.length > 0 ? line : "(no message)";
}

/** Maps any thrown value to an exit code and a user-facing sentence. */
export function describeError(error: unknown): { exitCode: ExitCode; message: string; hint: string | undefined; details: readonly string[] } {
  if (isShipgateError(error)) {
    const issues = (error as { issues?: unknown }).issues;
    // The message often names the first issue already (so a one-line output, e.g. a push's remote: lines, shows it).
    const details = Array.isArray(issues) ? issues.map(String).filter((issue) => !error.message.endsWith(issue)) : [];
    return { exitCode: error.exitCode, message: error.message, hint: error.hint, details };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    exitCode: ExitCode.Internal,
    message: `internal error: ${message}`,
    hint: "This is a bug in shipgate; rerun with DEBUG=shipgate:* and report the output.",
    details: error instanceof Error && error.stack !== undefined ? [error.stack] : [],
  };
}
