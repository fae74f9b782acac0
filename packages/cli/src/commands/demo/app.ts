/**
 * The tiny real app the demo deploys: a Node HTTP server whose behaviour comes from `app.json` in its release (its
 * version, the status of /health), its port from the `.env` the release-dir deployer links in from `<root>/shared`.
 */

export const SERVER_MJS = `// The demo app: /health, /version and /greeting; app.json says which release this is and how healthy it is.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";

const app = JSON.parse(readFileSync(new URL("app.json", import.meta.url), "utf8"));
const port = Number(/PORT=(\\d+)/.exec(readFileSync(new URL(".env", import.meta.url), "utf8"))?.[1]);

const server = createServer((request, response) => {
  const reply = (status, body) => response.writeHead(status, { "content-type": "text/plain" }).end(body);
  if (request.url === "/health") reply(app.health, app.health === 200 ? "ok" : "database unreachable");
  else if (request.url === "/version") reply(200, app.version);
  else if (request.url === "/greeting") reply(200, \`hello from \${app.version}\`);
  else reply(404, "not found");
});

// The previous release may hold the port for a moment after it was told to stop.
let attempts = 0;
server.on("error", (error) => {
  if (error.code !== "EADDRINUSE" || ++attempts > 100) throw error;
  setTimeout(() => server.listen(port, "127.0.0.1"), 50);
});
server.listen(port, "127.0.0.1", () => console.log(\`\${app.version} listening on 127.0.0.1:\${port}\`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
`;

export const SMOKE_MJS = `// The smoke test: once the app answers (it may still be starting), /greeting must say hello.
import { readFileSync } from "node:fs";

const port = /PORT=(\\d+)/.exec(readFileSync(new URL(".env", import.meta.url), "utf8"))?.[1];
let response;
for (let attempt = 0; response === undefined; attempt++) {
  response = await fetch(\`http://127.0.0.1:\${port}/greeting\`).catch((error) => {
    if (attempt === 100) throw error;
    return new Promise((resolve) => setTimeout(() => resolve(undefined), 100));
  });
}
const body = await response.text();
if (response.status !== 200 || !body.startsWith("hello")) {
  console.error(\`smoke test failed: /greeting answered \${response.status} \${body}\`);
  process.exit(1);
}
console.log(\`smoke test passed: \${body}\`);
`;

export function appJson(version: string, health: number): string {
  return `${JSON.stringify({ version, health }, null, 2)}\n`;
}

/** The deployer's restart step: stops the instance named by shared/app.pid, starts current/server.mjs in the background. */
export const RESTART_SH = `#!/bin/sh
set -eu
root="\${SHIPGATE_ROOT:?}"
pidfile="$root/shared/app.pid"
# Running and not a zombie waiting to be reaped.
alive() {
  if [ -r "/proc/$1/stat" ]; then [ "$(sed 's/.*) //' "/proc/$1/stat" | cut -c1)" != Z ]; else kill -0 "$1" 2>/dev/null; fi
}
if [ -f "$pidfile" ]; then
  old=$(cat "$pidfile")
  kill "$old" 2>/dev/null || true
  i=0
  while alive "$old" && [ "$i" -lt 200 ]; do sleep 0.02; i=$((i + 1)); done
  alive "$old" && kill -9 "$old" 2>/dev/null || true
  rm -f "$pidfile"
fi
cd "$root/current"
node server.mjs >>"$root/shared/app.log" 2>&1 </dev/null &
echo $! >"$pidfile"
`;

/** What each release of the demo app holds besides server.mjs and smoke.mjs. */
export const MIGRATIONS = {
  users: ["migrations/001_users.sql", "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n"],
  dropEmail: ["migrations/002_drop_email.sql", "SET lock_timeout = '2s';\nALTER TABLE users DROP COLUMN email;\n"],
  addName: ["migrations/002_add_name.sql", "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN name text;\n"],
} as const;
