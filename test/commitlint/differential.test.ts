/**
 * shipgate's commit-message policy against commitlint (@commitlint/lint with config-conventional and its parser
 * preset) on generated messages: the same verdict and the same rule names on every message, except the
 * differences documented in docs/commit-messages.md, each predicted exactly.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { CommitMessageOptions } from "@shipgate/core";
import { CONVENTIONAL_RULES, type CommitlintConfig } from "./commitlint.js";
import { agrees, compare, optionsOf, timings, type Outcome } from "./compare.js";
import { generate, type Sample } from "./generate.js";
import { explanations, KNOWN_DIFFERENCES } from "./known-differences.js";

const SCOPES = ["core", "client", "server", "migrations", "deploy", "cli", "bench", "ci", "deps", "docs", "test", "api", "parser"];

interface Pairing {
  name: string;
  shipgate: string;
  commitlint: CommitlintConfig;
  /** How many of the generated messages it runs on (commitlint takes about 1.5 ms a message). */
  count: number;
}

const PAIRINGS: Pairing[] = [
  { name: "the recommended preset and config-conventional", shipgate: "extends: recommended\n", commitlint: { rules: CONVENTIONAL_RULES }, count: 2400 },
  {
    name: "allowed scopes and scope-enum",
    shipgate: `extends: recommended\npolicies:\n  commit-message:\n    scopes: [${SCOPES.join(", ")}]\n`,
    commitlint: { rules: { ...CONVENTIONAL_RULES, "scope-enum": [2, "always", SCOPES] } },
    count: 1000,
  },
  {
    name: "every option changed and the matching commitlint rules",
    shipgate: [
      "extends: recommended",
      "policies:",
      "  commit-message:",
      "    types: [feat, fix, chore]",
      "    requireScope: true",
      "    headerMaxLength: 72",
      "    bodyMaxLineLength: 80",
      "    footerMaxLineLength: 0",
      "    subjectCase: [start-case, pascal-case, upper-case]",
      "    defaultIgnores: false",
      "    ignore: ['^WIP\\b', 'Signed-off-by: dependabot\\[bot\\]']",
      "    levels: { body-leading-blank: error, footer-leading-blank: off, subject-full-stop: warn, header-trim: off }",
      "",
    ].join("\n"),
    commitlint: {
      rules: {
        ...CONVENTIONAL_RULES,
        "type-enum": [2, "always", ["feat", "fix", "chore"]],
        "scope-empty": [2, "never"],
        "header-max-length": [2, "always", 72],
        "body-max-line-length": [2, "always", 80],
        "footer-max-line-length": [0],
        "subject-case": [2, "never", ["start-case", "pascal-case", "upper-case"]],
        "body-leading-blank": [2, "always"],
        "footer-leading-blank": [0],
        "subject-full-stop": [1, "never", "."],
        "header-trim": [0],
      },
      defaultIgnores: false,
      ignores: [(message) => /^WIP\b/.test(message), (message) => /Signed-off-by: dependabot\[bot\]/.test(message)],
    },
    count: 1000,
  },
];

const SAMPLES = generate(2400);
const results = new Map<Pairing, Promise<{ options: CommitMessageOptions; outcomes: Outcome[] }>>();

/** Each pairing's outcomes, computed once for every test that reads them. */
function outcomesOf(pairing: Pairing): Promise<{ options: CommitMessageOptions; outcomes: Outcome[] }> {
  let pending = results.get(pairing);
  if (pending === undefined) {
    const options = optionsOf(pairing.shipgate);
    pending = run(options, pairing.commitlint, SAMPLES.slice(0, pairing.count)).then((outcomes) => ({ options, outcomes }));
    results.set(pairing, pending);
  }
  return pending;
}

describe("commit-message against commitlint", () => {
  it("generates the same 2,400 messages from the same seed, as stored messages and as editor files", () => {
    expect(SAMPLES.length).toBeGreaterThanOrEqual(2000);
    expect(generate(2400)).toEqual(SAMPLES);
    expect(generate(2400, 1)).not.toEqual(SAMPLES);
    expect(SAMPLES.filter((sample) => sample.mode === "editor").length).toBeGreaterThan(200);
  });

  it.each(PAIRINGS)("gives commitlint's verdict and rule names with $name, except the documented differences", async (pairing) => {
    const { options, outcomes } = await outcomesOf(pairing);
    // Every disagreement is one documented difference, exactly one.
    const unexplained = outcomes.filter((outcome) => !agrees(outcome.commitlint, outcome.shipgate) && explanations(outcome, options).length !== 1);
    expect(unexplained.map((outcome) => describeOutcome(outcome, options))).toEqual([]);
    // Each rule of the config fails somewhere and passes somewhere, on both sides: the generator reaches every edge.
    const active = Object.entries(pairing.commitlint.rules)
      .filter(([, setting]) => setting !== undefined && Number(setting[0]) > 0)
      .map(([name]) => name);
    for (const rule of active) {
      expect(
        outcomes.some((o) => o.commitlint.rules.includes(rule) && o.shipgate.rules.includes(rule)),
        rule,
      ).toBe(true);
      expect(
        outcomes.some((o) => o.commitlint.verdict !== "throws" && !o.commitlint.rules.includes(rule)),
        rule,
      ).toBe(true);
    }
    report(pairing.name, outcomes, options);
  });

  it("meets every documented difference on the generated messages", async () => {
    const seen = new Set<string>();
    for (const pairing of PAIRINGS) {
      const { options, outcomes } = await outcomesOf(pairing);
      for (const outcome of outcomes) for (const id of explanations(outcome, options)) seen.add(id);
    }
    expect([...seen].sort()).toEqual(KNOWN_DIFFERENCES.map((difference) => difference.id).sort());
  });

  it("lists in docs/commit-messages.md exactly the differences this test allows", () => {
    const docs = readFileSync(new URL("../../docs/commit-messages.md", import.meta.url), "utf8");
    const documented = [...docs.matchAll(/^### `([a-z-]+)`/gm)].map((match) => match[1]);
    expect(documented.sort()).toEqual(KNOWN_DIFFERENCES.map((difference) => difference.id).sort());
  });
});

async function run(options: CommitMessageOptions, config: CommitlintConfig, samples: Sample[]): Promise<Outcome[]> {
  timings.shipgate = 0;
  timings.commitlint = 0;
  const outcomes: Outcome[] = [];
  for (const sample of samples) outcomes.push(await compare(sample, options, config));
  return outcomes;
}

function describeOutcome(outcome: Outcome, options: CommitMessageOptions): string {
  const { sample, commitlint, shipgate } = outcome;
  return `[${explanations(outcome, options).join() || "unexplained"}] ${sample.mode} ${sample.shape} ${JSON.stringify(sample.message)}: commitlint ${commitlint.verdict} [${commitlint.rules.join()}], shipgate ${shipgate.verdict} [${shipgate.rules.join()}]`;
}

function report(name: string, outcomes: Outcome[], options: CommitMessageOptions): void {
  const counts = new Map<string, number>();
  for (const outcome of outcomes) {
    const ids = explanations(outcome, options);
    const key = agrees(outcome.commitlint, outcome.shipgate) ? "agree" : ids.join("+");
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const time = `shipgate ${timings.shipgate.toFixed(0)} ms, commitlint ${timings.commitlint.toFixed(0)} ms`;
  console.log(`commitlint differential, ${name}: ${outcomes.length} messages, ${[...counts].map(([k, n]) => `${k} ${n}`).join(", ")}; ${time}`);
}
