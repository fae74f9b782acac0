/** `shipgate server install|uninstall|pre-receive`: thin wrappers over this package's library calls. */
import { parseCommandArgs as parse, UsageError, type Command } from "@shipgate/core";

const USAGE = [
  "shipgate server install <repo.git>... --config <server.yml> [--flavor bare|gitolite|gitlab|github] [--entry FILE] [--node FILE]",
  "       shipgate server uninstall <repo.git>... [--flavor bare|gitolite|gitlab|github]",
  "       shipgate server pre-receive [--config FILE] [--chain FILE] [--flavor NAME]   (what the installed hook runs)",
].join("\n");

const server: Command = async (argv, io) => {
  const [sub, ...rest] = argv;
  const lib = await import("./index.js");
  const { values, positionals } = parse(
    rest,
    {
      config: { type: "string" },
      flavor: { type: "string", default: "bare" },
      entry: { type: "string" },
      node: { type: "string" },
      chain: { type: "string" },
    },
    USAGE,
  );
  const flavor = values.flavor ?? "bare";
  if (!lib.isFlavor(flavor)) throw new UsageError(`unknown flavor "${flavor}"`, { hint: `Use one of: ${lib.FLAVORS.join(", ")}.` });
  try {
    switch (sub) {
      case "install":
      case "uninstall": {
        if (positionals.length === 0) throw new UsageError(`shipgate server ${sub} needs at least one repository`, { hint: `Usage: ${USAGE}` });
        if (sub === "install" && values.config === undefined) throw new UsageError(lib.messages.configRequired, { hint: lib.messages.configRequiredHint });
        for (const target of positionals) {
          const result =
            sub === "install"
              ? await lib.installHooks(target, {
                  flavor,
                  config: values.config ?? "",
                  cwd: io.cwd,
                  env: io.env,
                  ...(values.entry !== undefined ? { entry: values.entry } : {}),
                  ...(values.node !== undefined ? { node: values.node } : {}),
                })
              : await lib.uninstallHooks(target, { flavor, cwd: io.cwd, env: io.env });
          io.stdout.write(`${result.target}:\n${result.actions.map((action) => `  ${action}\n`).join("")}`);
        }
        return 0;
      }
      case "pre-receive":
        if (positionals.length > 0)
          throw new UsageError("shipgate server pre-receive takes no arguments (ref updates come on stdin)", { hint: `Usage: ${USAGE}` });
        return await lib.runPreReceiveHook({ config: values.config ?? null, chain: values.chain ?? null, flavor }, io);
      default:
        throw new UsageError(sub === undefined ? "shipgate server needs a subcommand" : `unknown subcommand "server ${sub}"`, { hint: `Usage: ${USAGE}` });
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const { exitCode, message, hint, details } = lib.describeError(error);
    io.stderr.write(`shipgate: ${message}\n${details.map((d) => `  ${d}\n`).join("")}${hint !== undefined ? `  ${hint}\n` : ""}`);
    return exitCode;
  }
};

export default server;
