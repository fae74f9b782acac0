import { describe, expect, it } from "vitest";
import { createRepo } from "@shipgate/test-utils";
import { openRepo } from "../git/repo.js";
import { buildRangeChange } from "../change/build.js";
import { validateConfig } from "../config/load.js";
import { runPolicies, type Report } from "../run.js";
import { FORMATS, formatReport } from "./index.js";
import { pathToUri } from "./sarif.js";
import { escapeData, escapeProperty } from "./github.js";

// Built at run time so this file holds nothing a secret scanner would flag.
const KEY = ["AKIA", "Q7ZP3K", "XW2M9RT4VN"].join("");
const HOSTILE = 'odd\nname "q" 100% <a&b> ü,x:y.txt';
const CONTROL = "ctl\u0001\u001b[31m.txt";
const PEM = "keys/de'ploy&<1>.pem";

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations?: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[];
  properties?: Record<string, string>;
}

interface SarifLog {
  $schema: string;
  version: string;
  runs: { tool: { driver: { name: string; rules: { id: string }[] } }; results: SarifResult[] }[];
}

/** A real run over a real repository: secrets in files with hostile names, a bad commit message, skipped policies. */
async function hostileReport(): Promise<Report> {
  const repo = createRepo({ files: { "README.md": "hi\n" } });
  const base = repo.git("rev-parse", "HEAD");
  repo.commit("feat: add config", { [HOSTILE]: `id = ${KEY}\n`, [CONTROL]: `first\nkey: ${KEY}\n`, [PEM]: "not really a key\n" });
  const head = repo.commit("bad message", { "src/app.ts": "export const ok = 1;\n" });
  const change = await buildRangeChange(await openRepo(repo.dir, repo.env), [{ name: "refs/heads/main", oldOid: base, newOid: head }], {
    stage: "ci",
    known: [base],
  });
  const config = validateConfig({ policies: { secrets: {}, "commit-message": {}, "forbidden-paths": { severity: "warn" }, author: {} } });
  return runPolicies(change, config);
}

/** Enough of an XML 1.0 reader to prove well-formedness: tags balance, attributes are quoted, text has no raw markup. */
function assertWellFormedXml(xml: string): { tags: string[]; texts: string[] } {
  // eslint-disable-next-line no-control-regex -- characters XML 1.0 forbids
  expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/);
  const body = xml.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n/, "");
  const entity = /&(?:amp|lt|gt|quot|apos|#\d+);/g;
  const token = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  const stack: string[] = [];
  const tags: string[] = [];
  const texts: string[] = [];
  let consumed = 0;
  for (const match of body.matchAll(token)) {
    consumed += match[0].length;
    const [, close, name, attributes, selfClosing, text] = match;
    if (text !== undefined) {
      expect(text.replace(entity, "")).not.toMatch(/[&<>]/);
      if (text.trim() !== "") texts.push(text);
      continue;
    }
    expect(attributes?.replace(entity, "") ?? "").not.toMatch(/[&<>\n\t]/);
    tags.push(`${close ?? ""}${name ?? ""}`);
    if (close === "/") expect(stack.pop()).toBe(name);
    else if (selfClosing !== "/") stack.push(name ?? "");
  }
  expect(consumed).toBe(body.length);
  expect(stack).toEqual([]);
  return { tags, texts };
}

function decodeXml(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&(lt|gt|quot|apos|amp);/g, (_, name: string) => {
      const map: Record<string, string> = { lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" };
      return map[name] ?? "";
    });
}

describe("reporters", () => {
  it("offers every format by name and refuses unknown ones with the list", async () => {
    expect(FORMATS).toEqual(["text", "json", "sarif", "junit", "github"]);
    const report = await hostileReport();
    for (const format of FORMATS) expect(formatReport(report, format, { colour: false }).length).toBeGreaterThan(0);
    expect(() => formatReport(report, "xml", { colour: false })).toThrow(/unknown format "xml"/);
  });

  describe("sarif", () => {
    it("writes SARIF 2.1.0 with a rule per policy that ran and a located result per finding", async () => {
      const report = await hostileReport();
      const sarif = JSON.parse(formatReport(report, "sarif", { colour: false })) as SarifLog;
      expect(sarif.version).toBe("2.1.0");
      expect(sarif.$schema).toMatch(/sarif-2\.1\.0\.json$/);
      expect(sarif.runs).toHaveLength(1);
      const run = sarif.runs[0]!;
      expect(run.tool.driver.name).toBe("shipgate");
      const ruleIds = run.tool.driver.rules.map((rule) => rule.id);
      expect(ruleIds).toEqual(report.runs.filter((r) => r.status !== "skipped").map((r) => r.id));
      expect(ruleIds).not.toContain("file-size");
      expect(run.results).toHaveLength(report.findings.length);
      for (const result of run.results) {
        expect(ruleIds[result.ruleIndex]).toBe(result.ruleId);
        expect(["error", "warning"]).toContain(result.level);
        expect(result.message.text).toMatch(/Fix: /);
      }
      const secrets = run.results.filter((r) => r.ruleId === "secrets");
      const uris = secrets.map((r) => r.locations?.[0]?.physicalLocation.artifactLocation.uri ?? "");
      for (const uri of uris) expect(uri).toMatch(/^[A-Za-z0-9\-._~%/]+$/);
      expect(uris.map((uri) => uri.split("/").map(decodeURIComponent).join("/")).sort()).toEqual([CONTROL, HOSTILE].sort());
      expect(secrets.map((r) => r.locations?.[0]?.physicalLocation.region?.startLine).sort()).toEqual([1, 2]);
      const message = run.results.find((r) => r.ruleId === "commit-message");
      expect(message?.locations).toBeUndefined();
      expect(message?.properties?.["commit"]).toMatch(/^[0-9a-f]{40}$/);
      expect(run.results.find((r) => r.ruleId === "forbidden-paths")?.level).toBe("warning");
    });

    it("percent-encodes paths as RFC 3986 relative references", () => {
      expect(pathToUri("src/a b/c%d.ts")).toBe("src/a%20b/c%25d.ts");
      expect(pathToUri("C:x/y#z?.ts")).toBe("C%3Ax/y%23z%3F.ts");
      expect(pathToUri("ü/ok-_.~")).toBe("%C3%BC/ok-_.~");
      expect(pathToUri("lone\ud800.txt")).toBe("lone%EF%BF%BD.txt");
    });
  });

  describe("junit", () => {
    it("writes well-formed JUnit XML with a failure per failing policy and a skipped element per skipped one", async () => {
      const report = await hostileReport();
      const xml = formatReport(report, "junit", { colour: false });
      const { tags, texts } = assertWellFormedXml(xml);
      expect(tags.filter((t) => t === "testsuite")).toHaveLength(1);
      expect(tags.filter((t) => t === "testcase")).toHaveLength(report.runs.length);
      expect(tags.filter((t) => t === "failure")).toHaveLength(report.runs.filter((r) => r.status === "fail").length);
      expect(tags.filter((t) => t === "skipped")).toHaveLength(report.runs.filter((r) => r.status === "skipped").length);
      expect(xml).toMatch(/<testsuite name="shipgate ci" tests="\d+" failures="2" /);
      const failures = texts.map(decodeXml).join("\n");
      expect(failures).toContain(HOSTILE);
      expect(failures).toContain("ctl\\u0001\\u001b[31m.txt");
      expect(failures).toContain("fix: Rotate the credential now");
      expect(failures).toContain(PEM);
      expect(xml).toContain('message="1 error: header &quot;bad message&quot; is not a Conventional Commit [type-empty, subject-empty]"');
    });
  });

  describe("github", () => {
    it("writes one annotation per finding with escaped properties and messages that cannot start a new command", async () => {
      const report = await hostileReport();
      const out = formatReport(report, "github", { colour: false });
      const lines = out.trimEnd().split("\n");
      expect(lines).toHaveLength(report.findings.length);
      for (const line of lines) expect(line).toMatch(/^::(error|warning) (file=[^,:]*,(line=\d+,(col=\d+,)?)?)?title=shipgate [a-z-]+::/);
      const hostile = lines.find((line) => line.includes("odd"));
      expect(hostile).toContain(`file=odd%0Aname "q" 100%25 <a&b> ü%2Cx%3Ay.txt,line=1,col=6,title=shipgate secrets::`);
      expect(hostile).toContain("%0AFix: Rotate the credential now");
      expect(lines.some((line) => line.startsWith("::warning file=keys/de'ploy&<1>.pem,title=shipgate forbidden-paths::"))).toBe(true);
      expect(lines.some((line) => /^::error title=shipgate commit-message::.*\(commit [0-9a-f]{12}\)/.test(line))).toBe(true);
    });

    it("escapes percent before CR and LF, and colon and comma in properties", () => {
      expect(escapeData("100%\r\n::x")).toBe("100%25%0D%0A::x");
      expect(escapeProperty("a:b,c%0A")).toBe("a%3Ab%2Cc%250A");
    });
  });
});
