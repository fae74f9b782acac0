/** `shipgate migrations lint|verify|rules`: the migration checks of the gate, one at a time. */
import { readFileSync } from "node:fs";
import { isAbsolute } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
// Only the errors of core here: `lint` on files needs neither config nor git, and the rest of core takes ~20 ms to load.
import { ExitCode, UsageError } from "@shipgate/core/errors";
import type * as StaticAnalysis from "@shipgate/migrations/static";
import type { Command, Io } from "../io.js";
import { didYouMean, parse, parseSubcommand } from "../args.js";
import { messages } from "../messages.js";
import { requireCached } from "../code-cache.js";
import { createDebug } from "@shipgate/core/debug";
import { importModule } from "@shipgate/core/import-module";

const debug = createDebug("shipgate:code-cache");

const USAGE = "shipgate migrations <lint|verify|rules> [options]";
const LINT_USAGE = "shipgate migrations lint [files...] [--format text|json] [--layout NAME] [--order runner|given] [--config FILE]";
const VERIFY_USAGE = "shipgate migrations verify --from <rev|auto> --to <rev> [--database URL] [--static] [--format ...] [--config FILE]";

const SUBCOMMANDS = {
  lint: "lint SQL files (or, without files, the migrations since the last release)",
  verify: "prove the previous release works on the new schema, on PGlite or --database",
  rules: "list the rules and their categories",
};

const RANGE_OPTIONS = {
  from: { type: "string", default: "auto", placeholder: "rev|auto", description: "the last good release (auto: the newest release tag)" },
  to: { type: "string", default: "HEAD", placeholder: "rev", description: "the candidate" },
  database: { type: "string", placeholder: "URL", description: "a PostgreSQL server to verify on (default: PGlite, embedded)" },
  format: { type: "string", default: "text", placeholder: "text|json|sarif|junit|github", description: "how to print the report" },
  config: { type: "string", placeholder: "FILE", description: "the config file (default: .shipgate.yml at the repository root)" },
  static: { type: "boolean", description: "the static rules only, no database" },
  layout: { type: "string", placeholder: "NAME", description: "the migration layout, when it is not detected" },
} as const;

const migrations: Command = async (argv, io) => {
  const { name, rest } = parseSubcommand(argv, SUBCOMMANDS, USAGE);
  if (name === "lint") return lint(rest, io);
  if (name === "verify") return rangeCheck(rest, io, VERIFY_USAGE);
  parse(rest, {}, "shipgate migrations rules");
  return rules(io);
};

async function lint(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      format: { type: "string", default: "text", placeholder: "text|json", description: "how to print the findings" },
      config: RANGE_OPTIONS.config,
      layout: {
        type: "string",
        default: "auto",
        placeholder: "NAME",
        description: "the files' layout: plain, flyway, golang-migrate, dbmate, diesel or prisma (auto: from their names)",
      },
      order: {
        type: "string",
        default: "runner",
        placeholder: "runner|given",
        description: "apply the files as the layout's tool does (sorted, downs paired), or in the order given",
      },
    },
    LINT_USAGE,
  );
  if (positionals.length === 0) return rangeCheck(["--static", ...argv], io, LINT_USAGE);
  const analysis = await staticAnalysis();
  const { LAYOUTS, lintAsAppliedCached, hasCachedFindings, loadParser, cacheOptionsAt, openParseCacheOf, saveParseCache } = analysis.exports;
  const layout = oneOf("--layout", values.layout, ["auto", ...LAYOUTS]);
  const order = oneOf("--order", values.order, ["runner", "given"]);
  const cacheOptions = cacheOptionsAt(io.cwd, io.env);
  // The findings of an unchanged tree come from the last lint's (cache/findings-cache.ts), keyed by the code of the
  // static analysis that made them: only the bundled script has one identity to hash.
  const findingsCache = cacheOptions === null || analysis.codeVersion === null ? null : { dir: cacheOptions.dir, codeVersion: analysis.codeVersion };
  const beforeLint = () => {
    // Parse results of files linted before are reused by blob id (the repository's cache); an empty cache starts the
    // parser's compile now, a warm one may not need the parser at all.
    const cached = openParseCacheOf(cacheOptions);
    // A lint of files is a short batch: with V8's default budget, TurboFan recompiled the rules and the lexer in the
    // background, competing for the CPU, and process exit then waited for those compiles (~40 ms of ~240 for the
    // 600-file bench). A budget ~7x the default leaves short runs to the interpreter and baseline code, while a long
    // run (thousands of files) still gets its hot functions optimised.
    setFlagsFromString("--interrupt-budget=1000000");
    // The parser compiles off the main thread while the files are read; the lint awaits it and reports a failure.
    if (cached === 0) loadParser().catch(() => undefined);
  };
  // With findings cached, an unchanged tree needs no parser: the parse cache is opened only when the lint runs.
  const warmable = hasCachedFindings(findingsCache);
  if (!warmable) beforeLint();
  // Bytes, not text: a file that is not UTF-8 is a finding (invalid-encoding), which decoding here would hide.
  const files = positionals.map((path) => ({ path, text: readSql(path, io.cwd) }));
  const options = { layout, order, readCompanion: (path: string) => readIfExists(path, io.cwd) };
  const result = await lintAsAppliedCached(files, options, findingsCache, warmable ? beforeLint : undefined);
  saveParseCache();
  if (result.unrecognised.length > 0) {
    throw new UsageError(messages.notMigrations(result.unrecognised, result.layout ?? "plain"), { hint: messages.notMigrationsHint });
  }
  const { findings } = result;
  if (values.format === "json") {
    const migrations = result.migrations.map((m) => (m.down === null || m.down === m.up ? { up: m.up } : { up: m.up, down: m.down }));
    io.stdout.write(JSON.stringify({ layout: result.layout, migrations, findings }, null, 2) + "\n");
  } else {
    for (const f of findings) io.stdout.write(`${f.path}:${f.line}:${f.column}  ${f.severity}  [${f.rule}] ${f.message}\n    fix: ${f.fix}\n`);
    const errors = findings.filter((f) => f.severity === "error").length;
    const how = order === "given" || result.layout === null ? "in the order given" : `as ${result.layout} applies them`;
    io.stdout.write(`${result.migrations.length} migration(s) ${how}, ${errors} error(s), ${findings.length - errors} warning(s)\n`);
  }
  return findings.some((f) => f.severity === "error") ? ExitCode.Blocked : ExitCode.Pass;
}

/** `value` when it is one of `allowed`, else a usage error naming them. */
function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  const known = allowed.find((candidate) => candidate === value);
  if (known !== undefined) return known;
  throw new UsageError(messages.unknownChoice(option, value, allowed, didYouMean(value, allowed)), { hint: `Usage: ${LINT_USAGE}` });
}

/** A file beside a named one that the layout's tool reads with it (a down, metadata.toml), or null when there is none. */
function readIfExists(path: string, cwd: string): Buffer | null {
  try {
    return readFileSync(isAbsolute(path) ? path : `${cwd}/${path}`);
  } catch {
    return null;
  }
}

/** A file named on the command line; one that is missing, a directory or unreadable is the user's mistake, not a crash. */
function readSql(path: string, cwd: string): Buffer {
  try {
    // Joined, not resolved: the OS takes `a/../b`, and path.resolve's normalising showed in profiles of 600 files.
    return readFileSync(isAbsolute(path) ? path : `${cwd}/${path}`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (error as Error).message;
    throw new UsageError(messages.cannotReadFile(path, reason), { hint: messages.cannotReadFileHint });
  }
}

/** Runs the migrations policy alone over a range; `--static` skips the database. */
async function rangeCheck(argv: string[], io: Io, usage: string): Promise<number> {
  const { values } = parse(argv, RANGE_OPTIONS, usage);
  const { runGateCommand } = await import("../gate-run.js");
  return runGateCommand(io, {
    name: "migrations",
    config: values.config,
    format: values.format,
    gate: {
      from: values.from,
      to: values.to,
      database: values.database ?? io.env["SHIPGATE_DATABASE_URL"],
      dynamic: values.static !== true,
      only: ["migrations"],
    },
  });
}

async function rules(io: Io): Promise<number> {
  const { DEFAULT_SEVERITY, FILE_RULES, STATEMENT_RULES } = (await staticAnalysis()).exports;
  const all = [...STATEMENT_RULES, ...FILE_RULES];
  const width = Math.max(...all.map((r) => r.id.length));
  for (const rule of all)
    io.stdout.write(`  ${rule.id.padEnd(width)}  ${rule.category.padEnd(12)}  ${DEFAULT_SEVERITY[rule.category].padEnd(5)}  ${rule.summary}\n`);
  return ExitCode.Pass;
}

/**
 * The static analysis with libpg-query's glue: the bundle's script (scripts/bundle.mjs), whose compiled code the build
 * caches, or the package itself when running from the sources. Loaded before any V8 flag changes, which void the cache.
 * `codeVersion` identifies the script's code (a hash of its text and the Node version), null from the sources.
 */
async function staticAnalysis(): Promise<{ exports: typeof StaticAnalysis; codeVersion: string | null }> {
  const script = fileURLToPath(new URL("./migrations-static.cjs", import.meta.url));
  const bundled = requireCached(script, debug) as typeof StaticAnalysis | null;
  if (bundled === null) return { exports: await importModule<typeof StaticAnalysis>("@shipgate/migrations/static", import.meta.url), codeVersion: null };
  return { exports: bundled, codeVersion: bundled.codeVersionOf(script) };
}

export default migrations;
