// The fixture app of the Prometheus deploy test: answers / (200, or 500 once `errorsAfter` seconds have passed since it
// started, as app.json of its release says), counts its answers by code and version, and serves them on /metrics in
// Prometheus's text exposition format. Its port comes from the .env the release-dir deployer links in.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";

const here = new URL(".", import.meta.url);
const app = JSON.parse(readFileSync(new URL("app.json", here), "utf8"));
const port = Number(/^PORT=(\d+)$/m.exec(readFileSync(new URL(".env", here), "utf8"))?.[1]);
const started = Date.now();
// Both codes from the start (as instrumented apps initialise their label values): a ratio query then has a numerator.
const answered = { 200: 0, 500: 0 };

const server = createServer((request, response) => {
  const reply = (status, body, type = "text/plain") => {
    response.writeHead(status, { "content-type": type });
    response.end(body);
  };
  if (request.url === "/metrics") {
    const lines = ["# HELP http_requests_total Requests answered.", "# TYPE http_requests_total counter"];
    for (const [code, count] of Object.entries(answered)) lines.push(`http_requests_total{code="${code}",version="${app.version}"} ${count}`);
    reply(200, `${lines.join("\n")}\n`, "text/plain; version=0.0.4");
  } else if (request.url === "/version") reply(200, app.version);
  else if (request.url === "/health") reply(200, "ok");
  else {
    const failing = app.errorsAfter !== null && Date.now() - started >= app.errorsAfter * 1000;
    answered[failing ? 500 : 200]++;
    reply(failing ? 500 : 200, failing ? "broken" : "hello");
  }
});

// The previous instance may still hold the port for a moment after it was told to stop.
let attempts = 0;
server.on("error", (error) => {
  if (error.code !== "EADDRINUSE" || ++attempts > 100) throw error;
  setTimeout(() => server.listen(port, "127.0.0.1"), 50);
});
server.listen(port, "127.0.0.1", () => console.log(`${app.version} listening on ${port}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
