/** `shipgate daemon start|stop|status`: the repository's warm lint daemon (eslint and prettier kept loaded for hooks). */
import { UsageError } from "@shipgate/core";
import { messages } from "@shipgate/client";
import { daemonStatus, DEFAULT_IDLE_MS, parseIdle, startDaemon, stopDaemon } from "@shipgate/client/daemon";
import type { Command, Io } from "../io.js";
import { parse, parseSubcommand } from "../args.js";

const USAGE = "shipgate daemon <start|stop|status> [options]";

const SUBCOMMANDS = {
  start: "start the lint daemon of this repository (or restart a stale one) and wait until eslint and prettier are loaded",
  stop: "stop it",
  status: "say whether it runs, its memory and how long it has been idle",
};

const daemon: Command = async (argv, io) => {
  const { name, rest } = parseSubcommand(argv, SUBCOMMANDS, USAGE);
  if (name === "start") return start(rest, io);
  if (name === "stop") {
    parse(rest, {}, "shipgate daemon stop");
    io.stdout.write(`${(await stopDaemon(io.cwd, io.env)) ? messages.daemonStopped : messages.daemonNotRunning("nothing to stop")}\n`);
    return 0;
  }
  return status(rest, io);
};

async function start(argv: string[], io: Io): Promise<number> {
  const { values } = parse(
    argv,
    { idle: { type: "string", default: "30m", placeholder: "DURATION", description: "stop after this long without a commit (90s, 30m, 2h)" } },
    "shipgate daemon start [--idle DURATION]",
  );
  const idleMs = parseIdle(values.idle) ?? invalidIdle(values.idle);
  const status = await startDaemon(io.cwd, io.env, idleMs);
  io.stdout.write(`${messages.daemonStarted(status.pid, Math.round(status.idleLimitMs / 1000), mib(status.rssBytes))}\n`);
  return 0;
}

async function status(argv: string[], io: Io): Promise<number> {
  const { values } = parse(
    argv,
    { format: { type: "string", default: "text", placeholder: "text|json", description: "how to print the status" } },
    "shipgate daemon status [--format text|json]",
  );
  const state = await daemonStatus(io.cwd, io.env);
  if (values.format === "json") io.stdout.write(`${JSON.stringify(state, null, 2)}\n`);
  else if (!state.running) io.stdout.write(`${messages.daemonNotRunning(state.why)}\n`);
  else {
    const s = state.status;
    io.stdout.write(
      [
        `lint daemon: running (pid ${s.pid}), ${s.warm ? "warm" : "loading eslint and prettier"}, ${s.workers} worker thread(s)`,
        `  memory ${mib(s.rssBytes)} MiB, up ${seconds(s.uptimeMs)}, idle ${seconds(s.idleMs)} of ${seconds(s.idleLimitMs)}`,
        `  ${s.requests} request(s), ${s.reloads} reload(s)${s.lastReload ? ` (last: ${s.lastReload})` : ""}`,
        `  socket ${state.socket}`,
        "",
      ].join("\n"),
    );
  }
  return 0;
}

function invalidIdle(text: string | undefined): never {
  throw new UsageError(`--idle ${JSON.stringify(text)} is not a duration`, {
    hint: `Give seconds, minutes or hours: 90s, 30m, 2h (default ${DEFAULT_IDLE_MS / 60_000}m).`,
  });
}

const mib = (bytes: number) => Math.round(bytes / (1024 * 1024));
const seconds = (ms: number) => (ms >= 120_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`);

export default daemon;
