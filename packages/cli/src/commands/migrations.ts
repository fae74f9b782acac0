/** `shipgate migrations lint|verify|rules`: the migration checks of the gate, one at a time. */
import { readFileSync } from "node:fs";
import { isAbsolute } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
// Only the errors of core here: `lint` on files needs neither config nor git, and the rest of core takes ~20 ms to load.
import { ExitCode, UsageError } from "@shipgate/core/errors";
import type * as StaticAnalysis from "@shipgate/migrations/static";
import type { Command, Io } from "../io.js";
import { parse } from "../args.js";
import { requireCached } from "../code-cache.js";

const USAGE = [
  "shipgate migrations lint [files...] [--format text|json]      lint SQL files (or, without files, the migrations since the last release)",
  "shipgate migrations verify --from <rev|auto> --to <rev> [--database URL] [--format ...]   prove the previous release works on the new schema",
  "shipgate migrations rules                                      list the rules and their categories",
].join("\n       ");

const migrations: Command = async (argv, io) => {
  const [sub, ...rest] = argv;
  if (sub === "lint") return lint(rest, io);
  if (sub === "verify") return verify(rest, io);
  if (sub === "rules") return rules(io);
  throw new UsageError(sub === undefined ? "missing subcommand" : `unknown subcommand "${sub}"`, { hint: `Usage: ${USAGE}` });
};

async function lint(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { format: { type: "string", default: "text" }, config: { type: "string" }, layout: { type: "string" } }, USAGE);
  if (positionals.length === 0) return rangeCheck(["--static", ...argv], io);
  const { lintFiles, loadParser } = await staticAnalysis();
  // A lint of files is a short batch: with V8's default budget, TurboFan recompiled the rules and the lexer in the
  // background, competing for the CPU, and process exit then waited for those compiles (~40 ms of ~240 for the
  // 600-file bench). A budget ~7x the default leaves short runs to the interpreter and baseline code, while a long
  // run (thousands of files) still gets its hot functions optimised.
  setFlagsFromString("--interrupt-budget=1000000");
  // The parser compiles off the main thread while the files are read; lintFiles awaits it and reports a failure.
  loadParser().catch(() => undefined);
  // Joined, not resolved: the OS takes `a/../b`, and path.resolve's normalising showed in profiles of 600 files.
  // Bytes, not text: a file that is not UTF-8 is a finding (invalid-encoding), which decoding here would hide.
  const files = positionals.map((path) => ({ path, text: readFileSync(isAbsolute(path) ? path : `${io.cwd}/${path}`) }));
  const findings = await lintFiles(files, values.layout === "dbmate" ? { layout: "dbmate", transaction: "always", hasDowns: true } : {});
  if (values.format === "json") io.stdout.write(JSON.stringify({ findings }, null, 2) + "\n");
  else {
    for (const f of findings) io.stdout.write(`${f.path}:${f.line}:${f.column}  ${f.severity}  [${f.rule}] ${f.message}\n    fix: ${f.fix}\n`);
    const errors = findings.filter((f) => f.severity === "error").length;
    io.stdout.write(`${files.length} file(s), ${errors} error(s), ${findings.length - errors} warning(s)\n`);
  }
  return findings.some((f) => f.severity === "error") ? ExitCode.Blocked : ExitCode.Pass;
}

async function verify(argv: string[], io: Io): Promise<number> {
  return rangeCheck(argv, io);
}

/** Runs the migrations policy alone over a range; `--static` skips the database. */
async function rangeCheck(argv: string[], io: Io): Promise<number> {
  const { values } = parse(
    argv,
    {
      from: { type: "string", default: "auto" },
      to: { type: "string", default: "HEAD" },
      database: { type: "string" },
      format: { type: "string", default: "text" },
      config: { type: "string" },
      static: { type: "boolean" },
      layout: { type: "string" },
    },
    USAGE,
  );
  const { colourEnabled, findConfigFile, formatReport, loadConfigWithPlugins, openRepo } = await import("@shipgate/core");
  const { runGate } = await import("@shipgate/migrations");
  const { importPlugin } = await import("../plugins.js");
  const repo = await openRepo(io.cwd, io.env);
  const { config, plugins } = await loadConfigWithPlugins(values.config ?? (repo.topLevel ? findConfigFile(repo.topLevel) : null), importPlugin);
  const { report } = await runGate({
    repo,
    config,
    plugins,
    from: values.from,
    to: values.to,
    database: values.database ?? io.env["SHIPGATE_DATABASE_URL"],
    dynamic: values.static !== true,
    only: ["migrations"],
    log: (line) => io.stderr.write(`shipgate migrations: ${line}\n`),
  });
  io.stdout.write(formatReport(report, values.format, { colour: colourEnabled(io.stdout, io.env) }));
  return report.exitCode;
}

async function rules(io: Io): Promise<number> {
  const { DEFAULT_SEVERITY, FILE_RULES, STATEMENT_RULES } = await staticAnalysis();
  const all = [...STATEMENT_RULES, ...FILE_RULES];
  const width = Math.max(...all.map((r) => r.id.length));
  for (const rule of all)
    io.stdout.write(`  ${rule.id.padEnd(width)}  ${rule.category.padEnd(12)}  ${DEFAULT_SEVERITY[rule.category].padEnd(5)}  ${rule.summary}\n`);
  return ExitCode.Pass;
}

/**
 * The static analysis with libpg-query's glue: the bundle's script (scripts/bundle.mjs), whose compiled code the build
 * caches, or the package itself when running from the sources. Loaded before any V8 flag changes, which void the cache.
 */
async function staticAnalysis(): Promise<typeof StaticAnalysis> {
  const bundled = requireCached(fileURLToPath(new URL("./migrations-static.cjs", import.meta.url))) as typeof StaticAnalysis | null;
  return bundled ?? (await import("@shipgate/migrations/static"));
}

export default migrations;
