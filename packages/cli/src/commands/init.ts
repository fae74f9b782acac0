/** `shipgate init`: husky hooks, the prepare script and .shipgate.yml for this repository. */
import { initRepo } from "@shipgate/client";
import { relative } from "node:path";
import type { Command } from "../io.js";
import { parse } from "../args.js";

const USAGE = "shipgate init [--preset recommended|strict] [--force]";

const init: Command = async (argv, io) => {
  const { values } = parse(
    argv,
    {
      preset: { type: "string", placeholder: "recommended|strict", description: "the preset .shipgate.yml extends (default: recommended)" },
      force: { type: "boolean", description: "install over a core.hooksPath set elsewhere, and replace an existing config with --preset's" },
    },
    USAGE,
  );
  const result = await initRepo({ cwd: io.cwd, env: io.env, preset: values.preset, force: values.force === true });
  const rel = (path: string) => relative(io.cwd, path) || ".";
  io.stdout.write(`shipgate: hooks pre-commit, commit-msg, pre-push written to ${rel(result.hooksDir)}\n`);
  io.stdout.write(`shipgate: package.json prepare script: ${result.prepare}\n`);
  // Kept over an explicit --preset: the notice below says so, and how to apply the preset.
  if (result.config === "kept") io.stdout.write(values.preset === undefined ? `shipgate: kept your existing ${rel(result.configFile)}\n` : "");
  else io.stdout.write(`shipgate: ${result.config === "written" ? "wrote" : "replaced"} ${rel(result.configFile)} (extends ${result.preset})\n`);
  io.stdout.write(result.active ? "shipgate: hooks are active (core.hooksPath set by husky)\n" : "");
  for (const notice of result.notices) io.stderr.write(`shipgate: ${notice}\n`);
  return 0;
};

export default init;
