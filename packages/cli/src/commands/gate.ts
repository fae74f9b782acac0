/** `shipgate gate`: the release gate; refuses a release whose migrations break the running version or cannot be rolled back. */
import type { Command } from "../io.js";
import { parse } from "../args.js";
import { runGateCommand } from "../gate-run.js";

const USAGE = "shipgate gate --from <rev|auto> --to <rev> [--format text|json|sarif|junit|github] [--database URL] [--env NAME] [--static] [--config FILE]";

const gate: Command = async (argv, io) => {
  const { values } = parse(
    argv,
    {
      from: { type: "string", default: "auto", placeholder: "rev|auto", description: "the last good release (auto: the newest release tag)" },
      to: { type: "string", default: "HEAD", placeholder: "rev", description: "the candidate release" },
      format: { type: "string", default: "text", placeholder: "text|json|sarif|junit|github", description: "how to print the report" },
      database: { type: "string", placeholder: "URL", description: "a PostgreSQL server to verify migrations on (default: PGlite, embedded)" },
      env: { type: "string", placeholder: "NAME", description: "the deploy environment whose settings apply" },
      static: { type: "boolean", description: "the static migration rules only, no database" },
      config: { type: "string", placeholder: "FILE", description: "the config file (default: .shipgate.yml at the repository root)" },
      verbose: { type: "boolean", description: "also list the policies that did not run, and why" },
    },
    USAGE,
  );
  return runGateCommand(io, {
    name: "gate",
    config: values.config,
    format: values.format,
    verbose: values.verbose,
    gate: {
      from: values.from,
      to: values.to,
      database: values.database ?? io.env["SHIPGATE_DATABASE_URL"],
      environment: values.env,
      ...(values.static === true ? { dynamic: false } : {}),
    },
  });
};

export default gate;
