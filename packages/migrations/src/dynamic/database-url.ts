/**
 * The database URL checked before a gate starts: a malformed or unreachable URL is the user's to fix (exit 2), not a crash
 * of the migrations policy. The same connection removes the verification databases of runs that are gone.
 */
import { UsageError } from "@shipgate/core";
import { messages } from "../messages.js";
import { loadClient } from "./database.js";
import { ownerGone, parseOwner } from "./owner.js";

/** How long the check waits for the server to accept a connection. */
const CONNECT_TIMEOUT_MS = 10_000;

/** Throws a UsageError unless `url` is a PostgreSQL URL of a server that accepts this user and lets it create databases. */
export async function checkDatabase(url: string, log: (line: string) => void = () => undefined): Promise<void> {
  const parsed = parseDatabaseUrl(url);
  const Client = await loadClient();
  const client = new Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  client.on("error", () => undefined); // a connection lost later fails the query that needs it
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new UsageError(messages.databaseUnreachable(endpoint(parsed), redactUrl(url), connectError(error)), { hint: messages.databaseUnreachableHint });
  }
  try {
    const role = await client.query<{ name: string; creates: boolean }>(
      "SELECT current_user AS name, rolcreatedb OR rolsuper AS creates FROM pg_roles WHERE rolname = current_user",
    );
    const me = role.rows[0];
    if (me && !me.creates) throw new UsageError(messages.databaseNoCreate(me.name, endpoint(parsed)), { hint: messages.databaseNoCreateHint(me.name) });
    await removeDeadDatabases(client, log);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The URL, or a UsageError that says what a PostgreSQL URL looks like (never echoing a password). */
export function parseDatabaseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(messages.databaseNotUrl(redactUrl(url), "it does not parse as a URL"), { hint: messages.databaseUrlHint });
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw new UsageError(messages.databaseNotUrl(redactUrl(url), `it starts with ${parsed.protocol}, not postgres: or postgresql:`), {
      hint: messages.databaseUrlHint,
    });
  }
  return parsed;
}

/** The URL with its password (in the authority or as `password=`) replaced by `***`; also for text that is no URL. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    if (parsed.searchParams.has("password")) parsed.searchParams.set("password", "***");
    return parsed.href;
  } catch {
    return url.replace(/(\/\/[^/?#@:]*:)[^/?#]*@/, "$1***@").replace(/([?&]password=)[^&#]*/i, "$1***");
  }
}

/** `host:port` as the client will use them (a socket directory given as `?host=` counts as the host). */
function endpoint(url: URL): string {
  const host = url.hostname || url.searchParams.get("host") || "localhost";
  return `${host}:${url.port || url.searchParams.get("port") || "5432"}`;
}

/** The connection error's own words; a failed connect to every address of a name is an AggregateError with no message. */
function connectError(error: unknown): string {
  if (error instanceof AggregateError && error.message === "") return error.errors.map((e) => connectError(e)).join("; ");
  if (error instanceof Error) return error.message || ((error as NodeJS.ErrnoException).code ?? error.name);
  return String(error);
}

/** Drops `shipgate_verify_*` databases whose owner (named in the database's name) is a process of this machine that is gone. */
async function removeDeadDatabases(client: { query<R extends object>(sql: string): Promise<{ rows: R[] }> }, log: (line: string) => void): Promise<void> {
  const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'shipgate\\_verify\\_%'");
  for (const { datname } of rows) {
    const owner = parseOwner(datname);
    if (owner === null || !ownerGone(owner)) continue;
    await client.query(`DROP DATABASE IF EXISTS "${datname.replace(/"/g, '""')}" WITH (FORCE)`);
    log(messages.removedDeadDatabase(datname, owner.pid));
  }
}
