/** Every user-facing sentence of the core in one place: what happened, how to fix it, where to read more. */
import { SCHEMA_FILE } from "./errors.js";

const DOCS = "https://github.com/shipgate/shipgate#readme";

/** A config value as the user wrote it, for "expected X, got Y". */
function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping of keys";
  if (typeof value === "string") return `the text ${JSON.stringify(value)}`;
  return `${typeof value === "number" ? "the number" : "the value"} ${JSON.stringify(value) ?? typeof value}`;
}

export const messages = {
  docs: DOCS,
  configHint: `Fix it in your config; ${SCHEMA_FILE} lists every key and type (editors read it through $schema).`,
  unknownKey: (suggestion: string) => `unknown key${suggestion === "" ? " (check the spelling)" : suggestion}`,
  wrongType: (expected: string, input: unknown) =>
    expected === "a list" && typeof input === "string"
      ? `expected a list, got the single value ${JSON.stringify(input)}: write [${JSON.stringify(input)}]`
      : `expected ${expected}, got ${describeValue(input)}`,
  needsPackage: (where: string, pkg: string) => `${where} is configured, but ${pkg}, which provides it, is not installed here`,
  commandNeedsPackage: (command: string, pkg: string) => `shipgate ${command} is provided by ${pkg}, which is not installed here`,
  installHint: (pkg: string) => `Install it next to shipgate: npm install --save-dev ${pkg}`,
  needsPackageHint: (pkg: string) => `Install it next to shipgate (npm install --save-dev ${pkg}), or remove the setting.`,
  pluginBroken: (pkg: string, reason: string) => `${pkg} is installed but its plugin could not be loaded: ${reason}`,
  yamlHint: "Config files are plain YAML data: a mapping with `extends` and `policies` at the top level.",
  presetHint: "Use one of the built-in presets (recommended, strict) or a relative path such as ./ci/shipgate.yml.",
  configCycle: (chain: readonly string[]) => `config files extend each other in a cycle: ${chain.join(" -> ")}`,
  unknownPreset: (name: string, available: readonly string[]) => `unknown preset "${name}" (available: ${available.join(", ")})`,
  policyCrashed: (id: string, error: string) => `policy ${id} failed to run: ${error}`,
  linesMissing: (id: string) => `policy ${id} reads added lines that this change was built without (build it with the lines linesRead() names)`,
  toolMissing: (tool: string, id: string) =>
    `${tool} is not installed here, so the ${id} policy did not run: npm install --save-dev ${tool}, or turn it off (policies.${id}: off)`,
  toolMissingShort: (tool: string) => `not installed (npm install --save-dev ${tool}), so it does not run`,
  eslintNoConfig:
    "eslint is installed but this repository has no eslint config (eslint.config.js), so eslint did not run: add one, or turn it off (policies.eslint: off)",
  eslintConfigBroken: (reason: string) => `eslint cannot load the repository's eslint config: ${reason}`,
  eslintConfigHint: "Fix the eslint config (npx eslint <file> shows the whole error), or turn the policy off meanwhile (policies.eslint: off).",
  prettierNoConfig:
    "this repository has no prettier config, so prettier formatted nothing: add one (a .prettierrc holding {} takes prettier's defaults), or format without one (policies.prettier.requireConfig: false)",
  workingOnBigFile: (policy: string, path: string, size: string) => `shipgate: ${policy} is working on ${path} (${size}), which may take a while`,
  stillWorking: (policy: string, seconds: number, path: string, n: number, total: number) =>
    `shipgate: ${policy} is still working (${seconds.toFixed(1)} s), now on ${path} (file ${n} of ${total})`,
  policyCrashedFix: "This is an internal error; rerun with DEBUG=shipgate:* and report it, or set the policy's severity to off meanwhile.",
} as const;
