/**
 * The secrets policy over generated code in eight languages, staged in a real repository and checked as pre-commit
 * checks it: no false alarm on code that holds no credential, every planted fake credential found. Reproduce a run
 * with SHIPGATE_SECRETS_SEED=<seed>; `pnpm bench secrets` runs the same corpora with a fresh seed, and secretlint.
 */
import { describe, expect, it } from "vitest";
import { createRepo } from "@shipgate/test-utils";
import { EXPECTED_KINDS, LANGUAGES, cleanCorpus, plantedCorpus } from "@shipgate/test-utils/secrets-corpus";
import { openRepo } from "../git/repo.js";
import { buildStagedChange } from "../change/build.js";
import { validateConfig } from "../config/load.js";
import { runPolicies } from "../run.js";
import type { Finding } from "./policy.js";

const SEED = Number(process.env["SHIPGATE_SECRETS_SEED"] ?? 20261206);

async function stageAndCheck(files: Record<string, string>): Promise<Finding[]> {
  const repo = createRepo();
  repo.write(files);
  repo.git("add", "-A");
  const change = await buildStagedChange(await openRepo(repo.dir, repo.env));
  const report = await runPolicies(change, validateConfig({ policies: { secrets: {} } }), { only: ["secrets"] });
  return report.findings;
}

const lineCount = (files: Record<string, string>) => Object.values(files).reduce((sum, text) => sum + text.split("\n").length, 0);

describe("secrets on generated multi-language code", () => {
  it(`reports nothing on credential-free code in eight languages, the lines refused on a real project among them (seed ${SEED})`, async () => {
    const files = cleanCorpus({ seed: SEED, filesPerLanguage: 8 });
    const text = Object.values(files).join("\n");
    for (const line of [
      "change_password::change_password,",
      "PasswordResetRequest::read_and_delete(pool, token)",
      "from_secret: cargo_api_token",
      "newToken: '",
    ])
      expect(text).toContain(line);
    expect(Object.keys(files).map((path) => path.split("/")[0])).toEqual(expect.arrayContaining(Object.keys(LANGUAGES)));
    expect(lineCount(files)).toBeGreaterThan(10_000);
    const findings = await stageAndCheck(files);
    expect(findings.map((f) => `${f.path}:${f.line} ${f.message} | ${files[f.path ?? ""]?.split("\n")[(f.line ?? 1) - 1]}`)).toEqual([]);
  });

  it(`finds every fake credential of every well-known format planted in eight languages, and nothing else (seed ${SEED})`, async () => {
    const { files, planted } = plantedCorpus({ seed: SEED, rounds: 2 });
    expect(new Set(planted.map((p) => `${p.language} ${p.kind}`)).size).toBe(Object.keys(LANGUAGES).length * Object.keys(EXPECTED_KINDS).length);
    const findings = await stageAndCheck(files);
    const byLine = new Map<string, Finding[]>();
    for (const finding of findings) {
      const key = `${finding.path}:${finding.line}`;
      byLine.set(key, [...(byLine.get(key) ?? []), finding]);
    }
    const missed = planted.filter(
      ({ path, line, kind }) => !(byLine.get(`${path}:${line}`) ?? []).some((f) => EXPECTED_KINDS[kind].some((name) => f.message.startsWith(name))),
    );
    expect(missed.map((p) => `${p.path}:${p.line} ${p.kind} | ${files[p.path]?.split("\n")[p.line - 1]}`)).toEqual([]);
    const plantedLines = new Set(planted.map((p) => `${p.path}:${p.line}`));
    expect(findings.filter((f) => !plantedLines.has(`${f.path}:${f.line}`)).map((f) => `${f.path}:${f.line} ${f.message}`)).toEqual([]);
    expect(findings.every((f) => f.severity === "error")).toBe(true);
  });
});
