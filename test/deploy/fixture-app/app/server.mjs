// The fixture app that deploy tests break and restore: its behaviour comes from app.json in its release, its port from
// the .env that the release-dir deployer links in from <root>/shared.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";

const here = new URL(".", import.meta.url);
const app = JSON.parse(readFileSync(new URL("app.json", here), "utf8"));
const env = Object.fromEntries(
  readFileSync(new URL(".env", here), "utf8")
    .split("\n")
    .filter((line) => line.includes("="))
    .map((line) => [line.slice(0, line.indexOf("=")).trim(), line.slice(line.indexOf("=") + 1).trim()]),
);

if (app.crash) {
  console.error(`${app.version}: crashing at start, as this release is built to`);
  process.exit(1);
}

const server = createServer((request, response) => {
  const reply = (status, body) => {
    response.writeHead(status, { "content-type": "text/plain" });
    response.end(body);
  };
  if (request.url === "/health") reply(app.health, app.health === 200 ? `ok ${app.version}` : `unhealthy ${app.version}`);
  else if (request.url === "/version") reply(200, app.version);
  else if (request.url === "/greeting") reply(app.greeting === "hello" ? 200 : 500, app.greeting);
  else reply(404, "not found");
});

// The previous instance may still hold the port for a moment after it was told to stop.
let attempts = 0;
server.on("error", (error) => {
  if (error.code !== "EADDRINUSE" || ++attempts > 100) throw error;
  setTimeout(() => server.listen(Number(env.PORT), "127.0.0.1"), 50);
});
server.listen(Number(env.PORT), "127.0.0.1", () => console.log(`${app.version} listening on ${env.PORT}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
