import { describe, expect, it } from "vitest";
import { createRepo, type FileTree } from "@shipgate/test-utils";
import { openRepo } from "../git/repo.js";
import { buildRangeChange, buildStagedChange } from "../change/build.js";
import { validateConfig } from "../config/load.js";
import { runPolicies } from "../run.js";
import type { Finding } from "./policy.js";
import { BINARY_SCAN_BYTES, KEYWORDS, PATTERNS, WINDOW, WINDOW_OVERLAP, allowComment, shannonEntropy } from "./secrets.js";

/**
 * Fake credentials are built at run time from a seeded generator, so this file holds no string that a
 * secret scanner (ours, or a forge's push protection) would take for a real credential.
 */
function fake(prefix: string, length: number, alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"): string {
  let seed = [...prefix].reduce((sum, ch) => sum * 31 + ch.charCodeAt(0), length) >>> 0;
  let out = prefix;
  for (let i = 0; i < length; i++) {
    // mulberry32: small, deterministic and well mixed in its low bits
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out += alphabet[((t ^ (t >>> 14)) >>> 0) % alphabet.length];
  }
  return out;
}

const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const HEX = "0123456789abcdef";
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+";
const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
const BEGIN = "-----BEGIN";

async function scanStaged(files: FileTree, options: Record<string, unknown> = {}, severity = "error"): Promise<Finding[]> {
  const repo = createRepo({ files: { "README.md": "hello\n" } });
  repo.write(files);
  repo.git("add", "-A");
  const change = await buildStagedChange(await openRepo(repo.dir, repo.env));
  const config = validateConfig({ policies: { secrets: { severity, ...options } } });
  const report = await runPolicies(change, config, { only: ["secrets"] });
  return report.findings;
}

describe("secrets", () => {
  const formats: [string, string][] = [
    ["AWS access key id", `const id = "${fake("AKIA", 16, UPPER)}";`],
    ["AWS secret access key", `aws_secret_access_key = ${fake("", 40, B64)}`],
    ["GitHub token", `token: ${fake("ghp_", 36)}`],
    ["GitHub token", `GH=${fake("ghs_", 36)}`],
    ["GitHub fine-grained token", `x = "${fake("github_pat_", 82)}"`],
    ["GitLab token", `${fake("glpat-", 20)}`],
    ["GitLab token", `runner ${fake("glrt-", 24)}`],
    ["Slack token", `SLACK=${fake("xoxb-", 12, "0123456789")}-${fake("", 24)}`],
    ["Slack webhook URL", `url: https://hooks.slack.com/services/${fake("T", 8, UPPER)}/${fake("B", 8, UPPER)}/${fake("", 24)}`],
    ["Stripe live key", `stripe(${JSON.stringify(fake("sk_live_", 24))})`],
    ["Stripe live key", `k = ${fake("rk_live_", 30)}`],
    ["Google API key", `key=${fake("AIza", 35, B64URL)}`],
    ["Google service-account key id", `  "private_key_id": "${fake("", 40, HEX)}",`],
    ["private key", `${BEGIN} RSA PRIVATE KEY-----`],
    ["private key", `${BEGIN} OPENSSH PRIVATE KEY-----`],
    ["private key", `${BEGIN} PGP PRIVATE KEY BLOCK-----`],
    ["private key", `  "private_key": "${BEGIN} PRIVATE KEY-----\\nMIIEv...",`],
    ["npm token", `//registry.npmjs.org/:_authToken=${fake("npm_", 36)}`],
    ["JSON Web Token", `Authorization: Bearer ${fake("eyJ", 30, B64URL)}.${fake("eyJ", 60, B64URL)}.${fake("", 43, B64URL)}`],
    ["high-entropy value assigned to a secret-like name", `DB_PASSWORD="${fake("", 20, B64)}"`],
    ["high-entropy value assigned to a secret-like name", `  clientSecret: '${fake("", 32, HEX)}',`],
    ["password in a URL", `DATABASE_URL=postgres://app:${fake("", 16)}@db.internal:5432/app`],
  ];

  it.each(formats)("reports a %s on an added line with its place and a redacted value: %s", async (kind, line) => {
    const findings = await scanStaged({ "config/app.txt": `first\n${line}\n` });
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding).toMatchObject({ policy: "secrets", severity: "error", path: "config/app.txt", line: 2 });
    expect(finding?.message).toContain(kind);
    expect(finding?.commit).toBeUndefined();
    expect(finding?.column).toBeGreaterThan(0);
    expect(finding?.fix).toMatch(/environment variable or a secret store/);
    const secret = /[A-Za-z0-9_/+-]{16,}/.exec(line.slice((finding?.column ?? 1) - 1))?.[0] ?? "";
    if (kind === "private key") return;
    expect(finding?.message).toMatch(/\(.{4}…\)/);
    expect(secret.length).toBeGreaterThanOrEqual(16);
    expect(finding?.message).not.toContain(secret.slice(0, 12));
  });

  it("skips a line only when no pattern could match it: every pattern's match holds a keyword", () => {
    const seen = new Set<string>();
    const more = [`stripe("${fake("sk_test_", 24)}")`, `WH=${fake("whsec_", 32)}`, `//r.example/:_authToken=${fake("", 36)}`];
    for (const line of [...formats.map(([, line]) => line), ...more]) {
      for (const { kind, pattern } of PATTERNS) {
        for (const match of line.matchAll(new RegExp(pattern.source, pattern.flags))) {
          seen.add(kind);
          expect(KEYWORDS.test(match[0]), `${kind}: ${match[0]}`).toBe(true);
        }
      }
    }
    expect([...seen].sort()).toEqual([...new Set(PATTERNS.map((p) => p.kind))].sort());
    expect(KEYWORDS.test("export const value = compute(input, 42);")).toBe(false);
  });

  it("scans only added lines, so a secret already committed does not block an unrelated edit", async () => {
    const key = fake("AKIA", 16, UPPER);
    const repo = createRepo({ files: { "a.env": `ID=${key}\nNAME=app\n` } });
    repo.write({ "a.env": `ID=${key}\nNAME=other\n` });
    repo.git("add", "-A");
    const change = await buildStagedChange(await openRepo(repo.dir, repo.env));
    const report = await runPolicies(change, validateConfig({ policies: { secrets: {} } }), { only: ["secrets"] });
    expect(change.files[0]?.addedLines).toEqual([{ line: 2, text: "NAME=other" }]);
    expect(report.findings).toEqual([]);
  });

  it("names the commit and asks to rotate the key when the secret is in a pushed range", async () => {
    const repo = createRepo({ files: { "a.txt": "a\n" } });
    const base = repo.git("rev-parse", "HEAD");
    const leak = repo.commit("feat: add config", { "deploy.sh": `export GITHUB_TOKEN=${fake("gho_", 36)}\n` });
    const head = repo.commit("chore: unrelated", { "b.txt": "b\n" });
    const change = await buildRangeChange(await openRepo(repo.dir, repo.env), [{ name: "refs/heads/main", oldOid: base, newOid: head }], {
      stage: "pre-push",
      known: [base],
    });
    const report = await runPolicies(change, validateConfig({ policies: { secrets: {} } }), { only: ["secrets"] });
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ path: "deploy.sh", line: 1, commit: leak });
    expect(report.findings[0]?.fix).toMatch(/^Rotate the credential now .*git filter-repo/);
    expect(report.exitCode).toBe(1);
  });

  it("skips submodules and excluded paths, binary ones included", async () => {
    const key = fake("AKIA", 16, UPPER);
    const findings = await scanStaged(
      {
        "fixtures/blob.bin": Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(`\n${key}\n`)]),
        "fixtures/keys.txt": `${key}\n`,
        "src/ok.ts": `export const a = 1;\n`,
      },
      { exclude: ["fixtures/**"] },
    );
    expect(findings).toEqual([]);
  });

  it("finds a GitHub token and an OpenSSH private key in a staged file that one NUL byte makes binary", async () => {
    const token = fake("ghp_", 36);
    const content = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0]), Buffer.from(`\n${token}\n${BEGIN} OPENSSH PRIVATE KEY-----\nb3Blbn\n`)]);
    const findings = await scanStaged({ "bin/tool": content });
    expect(findings.map((f) => [f.path, f.line, f.message])).toEqual([
      ["bin/tool", undefined, expect.stringMatching(/^GitHub token found in binary content at byte 6 \(ghp_…\)$/)],
      ["bin/tool", undefined, `private key found in binary content at byte ${6 + token.length + 1}`],
    ]);
    expect(findings[0]?.fix).toMatch(/^Remove it from the staged file/);
  });

  it("runs only the well-known formats on binary content, not the entropy check, and honours allow patterns there", async () => {
    const key = fake("AKIA", 16, UPPER);
    const other = fake("ASIA", 16, UPPER);
    const content = Buffer.concat([Buffer.from([0]), Buffer.from(`DB_PASSWORD="${fake("", 20, B64)}"\n${key}\x00${other}\xff`, "latin1")]);
    const findings = await scanStaged({ "data.bin": content }, { allow: [`^${other}$`] });
    expect(findings.map((f) => f.message)).toEqual([expect.stringMatching(/^AWS access key id found in binary content at byte \d+/)]);
  });

  it("reads binary content up to its bound, and a blob cut at the bound leaves the next one read whole", async () => {
    const token = fake("ghp_", 36);
    const pad = (length: number) => Buffer.alloc(length, 0x01);
    const before = Buffer.concat([Buffer.from([0]), pad(BINARY_SCAN_BYTES - token.length - 2), Buffer.from(token)]);
    const after = Buffer.concat([Buffer.from([0]), pad(BINARY_SCAN_BYTES), Buffer.from(` ${token} `)]);
    const small = Buffer.concat([Buffer.from([0, 32]), Buffer.from(token)]);
    const findings = await scanStaged({ "a-before.bin": before, "b-after.bin": after, "c-small.bin": small });
    expect(findings.map((f) => [f.path, f.message.replace(/ \(.*$/, "")])).toEqual([
      ["a-before.bin", `GitHub token found in binary content at byte ${BINARY_SCAN_BYTES - token.length - 1}`],
      ["c-small.bin", "GitHub token found in binary content at byte 2"],
    ]);
  });

  it("reports a token in a pushed commit message and in an annotated tag message, unless messages is off", async () => {
    const repo = createRepo({ files: { "a.txt": "a\n" } });
    const base = repo.git("rev-parse", "HEAD");
    const leak = repo.commit(`fix: deploy\n\nused ${fake("glpat-", 20)} to test it\n`, { "b.txt": "b\n" });
    repo.git("tag", "-a", "v1.0.0", "-m", `release\n\nnpm publish with ${fake("npm_", 36)}`);
    const tag = repo.git("rev-parse", "v1.0.0");
    const build = async () =>
      buildRangeChange(
        await openRepo(repo.dir, repo.env),
        [
          { name: "refs/heads/main", oldOid: base, newOid: leak },
          { name: "refs/tags/v1.0.0", oldOid: "0".repeat(40), newOid: tag },
        ],
        { stage: "pre-push", known: [base] },
      );
    const report = await runPolicies(await build(), validateConfig({ policies: { secrets: {} } }), { only: ["secrets"] });
    expect(report.findings.map((f) => [f.commit, f.ref, f.line, f.message.replace(/ \(.*$/, "")])).toEqual([
      [leak, undefined, 3, "GitLab token found in the commit message"],
      [undefined, "refs/tags/v1.0.0", 3, "npm token found in the message of annotated tag v1.0.0"],
    ]);
    expect(report.findings[0]?.fix).toMatch(/git rebase -i/);
    expect(report.findings[1]?.fix).toMatch(/git tag -f -a v1\.0\.0/);
    const off = await runPolicies(await build(), validateConfig({ policies: { secrets: { messages: false } } }), { only: ["secrets"] });
    expect(off.findings).toEqual([]);
  });

  it("ignores placeholders, templates, environment lookups and low-entropy values", async () => {
    const lines = [
      'password = "changeme"',
      'API_KEY = "${API_KEY}"',
      'token: "{{ .Values.token }}"',
      "secret = process.env.APP_SECRET",
      'api_key = os.environ["API_KEY"]',
      'password: "<your password here>"',
      'client_secret = "xxxxxxxxxxxxxxxxxxxxxxxx"',
      'const tokenizer = new Tokenizer("abcdefghijklmnop")',
      "password: string;",
      'password = "aaaaaaaaaabbbbbbbbbb"',
      'TOKEN_HEADER = "Authorization"',
      `AWS_ACCESS_KEY_ID=${"AKIAIOSFODNN7" + "EXAMPLE"}`,
      `token: ${"ghp_" + "x".repeat(36)}`,
      "if (token === expected) return;",
      "secret_key_base: <%= ENV['SECRET_KEY_BASE'] %>",
      "    password: ${{ secrets.DB_PASSWORD }}",
      'const secrets = schema.properties?.["policies"];',
      "token = DEFAULT_TOKEN_VALUE_2",
    ];
    expect(await scanStaged({ "app.ts": lines.join("\n") + "\n" })).toEqual([]);
  });

  it("accepts an allow comment with a reason in any comment syntax", async () => {
    const key = fake("AKIA", 16, UPPER);
    const lines = [
      `const a = "${key}"; // shipgate-allow secrets: revoked key used as a parser fixture`,
      `A=${key} # shipgate-allow secrets: documented example account`,
      `SELECT '${key}'; -- shipgate-allow secrets: seed data for the local database`,
      `x("${key}") /* shipgate-allow secrets: public demo key */`,
      `<k>${key}</k> <!-- shipgate-allow secrets: XML fixture -->`,
    ];
    expect(await scanStaged({ "f.txt": lines.join("\n") + "\n" })).toEqual([]);
  });

  it("refuses an allow comment without a reason and says the reason is mandatory, even for test keys", async () => {
    const lines = [`a = "${fake("AKIA", 16, UPPER)}" // shipgate-allow secrets`, `b = "${fake("sk_test_", 24)}" # shipgate-allow secrets:   `];
    const findings = await scanStaged({ "f.txt": lines.join("\n") + "\n" });
    expect(findings.map((f) => [f.line, f.severity])).toEqual([
      [1, "error"],
      [2, "error"],
    ]);
    for (const finding of findings) {
      expect(finding.message).toMatch(/a reason is mandatory/);
      expect(finding.fix).toMatch(/shipgate-allow secrets: /);
    }
  });

  it("parses the reason of an allow comment and ignores the marker outside comments", () => {
    expect(allowComment("x = 1 // shipgate-allow secrets:   a reason with: colons  ")).toBe("a reason with: colons");
    expect(allowComment("x = 1 /* shipgate-allow secrets: fixture */")).toBe("fixture");
    expect(allowComment("x = 1 # shipgate-allow secrets")).toBe("");
    expect(allowComment('x = "shipgate-allow secrets: sneaky"')).toBeNull();
    expect(allowComment("x = 1 // shipgate-allow other: reason")).toBeNull();
    expect(allowComment("x = 1")).toBeNull();
  });

  it("ignores values matching an allow pattern", async () => {
    const key = fake("AKIA", 16, UPPER);
    const other = fake("ASIA", 16, UPPER);
    const findings = await scanStaged({ "f.txt": `${key}\n${other}\n` }, { allow: [`^${key}$`] });
    expect(findings.map((f) => f.line)).toEqual([2]);
  });

  it("reports Stripe test keys as warnings by default, as errors or not at all when configured", async () => {
    const files = { "pay.ts": `stripe("${fake("sk_test_", 24)}");\n` };
    const byDefault = await scanStaged(files);
    expect(byDefault.map((f) => [f.severity, f.message])).toEqual([["warn", expect.stringContaining("Stripe test key")]]);
    expect((await scanStaged(files, { testKeys: "error" })).map((f) => f.severity)).toEqual(["error"]);
    expect(await scanStaged(files, { testKeys: "off" })).toEqual([]);
  });

  it("follows the entropy options and can turn the generic check off", async () => {
    const value = fake("", 20, B64);
    const files = { "a.env": `DB_PASSWORD=${value}\n` };
    expect(shannonEntropy(value)).toBeGreaterThan(3.5);
    expect(await scanStaged(files)).toHaveLength(1);
    expect(await scanStaged(files, { entropy: { threshold: 6 } })).toEqual([]);
    expect(await scanStaged(files, { entropy: { minLength: 24 } })).toEqual([]);
    expect(await scanStaged(files, { entropy: { enabled: false } })).toEqual([]);
  });

  it("finds a secret behind padding on a long line, and one that straddles two scan windows exactly once", async () => {
    const key = fake("AKIA", 16, UPPER);
    const behind = " ".repeat(3 * WINDOW + 17) + key;
    const straddling = "x".repeat(WINDOW - 8) + " " + key;
    const findings = await scanStaged({ "min.js": `${behind}\n${straddling}\n` });
    expect(findings.map((f) => [f.line, f.column])).toEqual([
      [1, 3 * WINDOW + 18],
      [2, WINDOW - 6],
    ]);
    expect(WINDOW_OVERLAP).toBeLessThan(WINDOW);
  });

  it("scans a one-megabyte adversarial line to the end without backtracking blow-up", async () => {
    const key = fake("ghp_", 36);
    const adversarial = ["password=".repeat(40_000), "eyJ".repeat(100_000), "-----BEGIN ".repeat(20_000), "xoxb".repeat(50_000), `tail ${key}`].join("");
    expect(adversarial.length).toBeGreaterThan(1_000_000);
    const findings = await scanStaged({ "huge.txt": `${adversarial}\n` });
    expect(findings.map((f) => [f.line, f.column, f.message])).toEqual([[1, adversarial.length - key.length + 1, expect.stringContaining("GitHub token")]]);
  });
});
