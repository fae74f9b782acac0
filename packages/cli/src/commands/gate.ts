/** `shipgate gate`: the release gate; refuses a release whose migrations break the running version or cannot be rolled back. */
import { buildRangeChange, colourEnabled, findConfigFile, formatReport, isZeroOid, loadConfig, openRepo, runPolicies, UsageError } from "@shipgate/core";
import type { Command } from "../io.js";
import { parse } from "../args.js";

const USAGE = "shipgate gate --from <rev|auto> --to <rev> [--format text|json|sarif|junit|github] [--database URL] [--env NAME] [--static] [--config FILE]";

const gate: Command = async (argv, io) => {
  const { values } = parse(
    argv,
    {
      from: { type: "string", default: "auto" },
      to: { type: "string", default: "HEAD" },
      format: { type: "string", default: "text" },
      database: { type: "string" },
      env: { type: "string" },
      static: { type: "boolean" },
      config: { type: "string" },
      verbose: { type: "boolean" },
    },
    USAGE,
  );
  const { migrationsPolicy, immutabilityPolicy, migrationsSettings, resolveRange, withMigrationPolicies, messages, guardRun } =
    await import("@shipgate/migrations");
  const repo = await openRepo(io.cwd, io.env);
  const { config } = loadConfig(values.config ?? (repo.topLevel ? findConfigFile(repo.topLevel) : null));
  const base = migrationsSettings(config);
  const url = values.database ?? io.env["SHIPGATE_DATABASE_URL"] ?? base.database?.url;
  const settings = {
    ...base,
    ...(values.env === undefined ? {} : { environment: values.env }),
    ...(values.static ? { dynamic: false } : {}),
    ...(url === undefined ? {} : { database: { url } }),
  };
  const range = await resolveRange(repo, values.from, values.to, settings);
  if ("unknown" in range) throw new UsageError(messages.unknownRevision(range.unknown), { hint: messages.unknownRevisionHint });
  io.stderr.write(`shipgate gate: ${range.to.slice(0, 12)} against ${range.fromSource}\n`);
  const known = isZeroOid(range.from) ? [] : [range.from];
  const change = await buildRangeChange(repo, [{ name: "HEAD", oldOid: range.from, newOid: range.to }], { stage: "ci", known });
  try {
    const log = (line: string) => io.stderr.write(`${line}\n`);
    const report = await guardRun({ repo, settings, log }, () =>
      runPolicies(change, withMigrationPolicies(config, settings), { extra: [migrationsPolicy, immutabilityPolicy] }),
    );
    io.stdout.write(formatReport(report, values.format, { colour: colourEnabled(io.stdout, io.env), ...(values.verbose ? { verbose: true } : {}) }));
    return report.exitCode;
  } finally {
    change.objects.close();
  }
};

export default gate;
