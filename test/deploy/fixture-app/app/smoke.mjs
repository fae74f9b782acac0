// The smoke test of the fixture app: the greeting endpoint must answer "hello".
import { readFileSync } from "node:fs";

const port = /PORT=(\d+)/.exec(readFileSync(new URL(".env", import.meta.url), "utf8"))?.[1];
const response = await fetch(`http://127.0.0.1:${port}/greeting`);
const body = await response.text();
if (response.status !== 200 || body !== "hello") {
  console.error(`smoke test failed: /greeting answered ${response.status} ${JSON.stringify(body)}`);
  process.exit(1);
}
console.log("smoke test passed");
