/** Every user-facing sentence of the core in one place: what happened, how to fix it, where to read more. */

const DOCS = "https://github.com/shipgate/shipgate#readme";

export const messages = {
  docs: DOCS,
  configHint: "Fix the listed keys in your config; schema.json (in the shipgate package) lists every key and type.",
  needsPackage: (where: string, pkg: string) => `${where} is configured, but ${pkg}, which provides it, is not installed here`,
  needsPackageHint: (pkg: string) => `Install it next to shipgate (npm install --save-dev ${pkg}), or remove the setting.`,
  pluginBroken: (pkg: string, reason: string) => `${pkg} is installed but its plugin could not be loaded: ${reason}`,
  yamlHint: "Config files are plain YAML data: a mapping with `extends` and `policies` at the top level.",
  presetHint: "Use one of the built-in presets (recommended, strict) or a relative path such as ./ci/shipgate.yml.",
  configCycle: (chain: readonly string[]) => `config files extend each other in a cycle: ${chain.join(" -> ")}`,
  unknownPreset: (name: string, available: readonly string[]) => `unknown preset "${name}" (available: ${available.join(", ")})`,
  policyCrashed: (id: string, error: string) => `policy ${id} failed to run: ${error}`,
  linesMissing: (id: string) => `policy ${id} reads added lines that this change was built without (build it with the lines linesRead() names)`,
  policyCrashedFix: "This is an internal error; rerun with DEBUG=shipgate:* and report it, or set the policy's severity to off meanwhile.",
} as const;
