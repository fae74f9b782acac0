/** `shipgate check`: the staged changes, a revision range or the whole history, for CI and for humans. */
import {
  buildRangeChange,
  buildStagedChange,
  colourEnabled,
  findConfigFile,
  formatReport,
  linesRead,
  loadConfigWithPlugins,
  openRepo,
  pluginPolicies,
  runPolicies,
  UsageError,
  type Change,
  type LineSelection,
} from "@shipgate/core";
import type { Command } from "../io.js";
import { parse } from "../args.js";
import { importPlugin } from "../plugins.js";
import { messages } from "../messages.js";

const USAGE = "shipgate check [--staged | --range A..B | --all] [--format text|json|sarif|junit|github] [--config FILE] [--policy ID]...";

const check: Command = async (argv, io) => {
  const { values } = parse(
    argv,
    {
      staged: { type: "boolean", description: "the staged changes, as pre-commit sees them (the default)" },
      range: { type: "string", placeholder: "A..B", description: "the commits in A..B, e.g. origin/main..HEAD (a pull request)" },
      all: { type: "boolean", description: "every commit reachable from HEAD" },
      format: { type: "string", default: "text", placeholder: "text|json|sarif|junit|github", description: "how to print the report" },
      config: { type: "string", placeholder: "FILE", description: "the config file (default: .shipgate.yml at the repository root)" },
      policy: { type: "string", multiple: true, placeholder: "ID", description: "run only this policy" },
      verbose: { type: "boolean", description: "also list the policies that did not run, and why" },
    },
    USAGE,
  );
  const modes = [values.staged, values.range !== undefined, values.all].filter(Boolean).length;
  if (modes > 1) throw new UsageError("choose one of --staged, --range and --all", { hint: `Usage: ${USAGE}` });
  const repo = await openRepo(io.cwd, io.env);
  const file = values.config ?? (repo.topLevel ? findConfigFile(repo.topLevel) : null);
  const { config, plugins } = await loadConfigWithPlugins(file, importPlugin);
  const options = { extra: pluginPolicies(plugins), log: (line: string) => io.stderr.write(`${line}\n`), ...(values.policy ? { only: values.policy } : {}) };
  const lines = linesRead(values.range !== undefined || values.all ? "ci" : "pre-commit", config, options);
  let change: Change;
  const baseline = config.baseline?.commit;
  if (values.range !== undefined) change = await rangeChange(repo, values.range, lines, baseline);
  else if (values.all) {
    const head = await repo.git.text(["rev-parse", "--verify", "HEAD^{commit}"], { hint: "There is no commit to check yet." });
    change = await buildRangeChange(repo, [{ name: "HEAD", oldOid: repo.zeroOid, newOid: head }], { stage: "ci", known: [], lines, baseline });
  } else change = await buildStagedChange(repo, { lines });
  const report = await runPolicies(change, config, options);
  change.objects.close();
  io.stdout.write(formatReport(report, values.format, { colour: colourEnabled(io.stdout, io.env), ...(values.verbose ? { verbose: true } : {}) }));
  return report.exitCode;
};

async function rangeChange(repo: Awaited<ReturnType<typeof openRepo>>, range: string, lines: LineSelection, baseline: string | undefined): Promise<Change> {
  const match = /^(.+?)\.\.(.+)$/.exec(range);
  if (!match || range.includes("...")) throw new UsageError(`--range expects A..B, got "${range}"`, { hint: "For example: --range origin/main..HEAD" });
  const resolve = async (rev: string) => {
    const oid = await repo.git.probe(["rev-parse", "--verify", "--quiet", "--end-of-options", `${rev}^{commit}`]);
    if (oid === null) throw new UsageError(messages.notACommit(rev), { hint: messages.notACommitHint });
    return oid;
  };
  const [from, to, tip] = await Promise.all([
    resolve(match[1] ?? ""),
    resolve(match[2] ?? ""),
    repo.git.probe(["rev-parse", "--verify", "-q", "--end-of-options", match[2] ?? ""]),
  ]);
  // A range that ends at an annotated tag is checked with the tag, so the tag's message is checked too.
  return buildRangeChange(repo, [{ name: "HEAD", oldOid: from, newOid: tip ?? to }], { stage: "ci", known: [from], lines, baseline });
}

export default check;
