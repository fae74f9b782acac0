/**
 * Builds schema.json from the config schema of core and every plugin for editors: valibot's own conversion, the
 * `secrets: off` shorthand the loader accepts, and descriptions taken from the doc comments in the schema sources, so
 * they never drift apart. Used by the shipgate package's schema script and drift test (its imports are dev-only).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { toJsonSchema } from "@valibot/to-json-schema";
import ts from "typescript";
import { configSchema, SEVERITIES } from "./schema.js";
import { STAGES } from "../change/types.js";
import { POLICIES } from "../policies/index.js";
import type { Plugin } from "../plugin/plugin.js";

export const SCHEMA_ID = "https://unpkg.com/shipgate/schema.json";
export const REGENERATE_COMMAND = "pnpm --filter shipgate schema";

/** The part of a JSON Schema this module edits. */
interface Node {
  properties?: Record<string, Node>;
  anyOf?: Node[];
  description?: string;
  [key: string]: unknown;
}

/** Where doc comments for a part of the schema are: the object under the top-level const `root` of `file`, at `prefix`. */
export interface DocSource {
  file: string;
  root: string;
  /** Dotted path of that object in the config (`policies.secrets`, `migrations`). */
  prefix: string;
}

/** The package root, from src/config or dist/config alike. */
const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Core's own doc sources: each built-in policy's options. */
const CORE_DOCS: DocSource[] = POLICIES.map((policy) => ({
  file: join(PACKAGE_ROOT, "src/policies", `${policy.id}.ts`),
  root: "options",
  prefix: `policies.${policy.id}`,
}));

/** schema.json for core and every plugin given, with descriptions from the doc comments of `docs` (and core's own). */
export function buildConfigJsonSchema(plugins: readonly Plugin[], docs: readonly DocSource[] = []): Record<string, unknown> {
  // `check` actions (valid regex, parsable size) have no JSON Schema form; the loader still enforces them.
  const converted = toJsonSchema(configSchema(plugins).schema, { typeMode: "input", errorMode: "ignore", ignoreActions: ["check"] }) as unknown as Node;
  const policies = converted.properties?.["policies"]?.properties ?? {};
  const owners = new Map(plugins.flatMap((plugin) => (plugin.policies ?? []).map((policy) => [policy.id, plugin.package] as const)));
  for (const policy of [...POLICIES, ...plugins.flatMap((plugin) => plugin.policies ?? [])]) {
    const entry = policies[policy.id];
    if (entry === undefined) continue;
    const owner = owners.get(policy.id);
    const summary = owner === undefined ? policy.summary : `${policy.summary} (from ${owner})`;
    entry.description = summary;
    for (const [key, text] of COMMON_DOCS) describe(entry, key, text);
    policies[policy.id] = {
      description: `${summary}. A severity alone (e.g. \`${policy.id}: off\`) is shorthand for { severity: ... }.`,
      anyOf: [{ type: "string", enum: [...SEVERITIES] }, { type: "null" }, entry],
    };
  }
  for (const source of [...CORE_DOCS, ...docs]) for (const [path, text] of readDocs(source.file, source.root, source.prefix)) describe(converted, path, text);
  for (const [path, text] of TOP_LEVEL_DOCS) describe(converted, path, text);
  const { $schema, ...rest } = converted as Record<string, unknown>;
  return {
    $schema,
    $id: SCHEMA_ID,
    title: "shipgate configuration (.shipgate.yml)",
    description: `One policy for every gate: client hooks, the server's pre-receive hook, the CI gate and deploys. Generated from the config schemas of shipgate's packages by \`${REGENERATE_COMMAND}\`; do not edit.`,
    ...rest,
  };
}

export function renderConfigJsonSchema(plugins: readonly Plugin[], docs: readonly DocSource[] = []): string {
  return JSON.stringify(buildConfigJsonSchema(plugins, docs), null, 2) + "\n";
}

const COMMON_DOCS = new Map([
  ["severity", "off turns the policy off; error blocks the change; warn reports without blocking."],
  ["stages", `Where the policy runs, narrowing its default stages (${STAGES.join(", ")}).`],
]);

/** For keys whose source has no doc comment. */
const TOP_LEVEL_DOCS = new Map([
  ["$schema", "Path or URL of this JSON Schema, for editor completion and validation."],
  ["extends", "Presets (`recommended`, `strict`) or paths of YAML files this config builds on."],
  ["policies", "Policies by id; a policy that is not listed is off, unless a preset in `extends` turns it on."],
  ["server", "Settings for the server-side pre-receive check; read only from the server's own config file (from @shipgate/server)."],
  ["migrations", "The release gate's migration settings (from @shipgate/migrations)."],
  ["deploy", "Environments, deployers and verifiers of `shipgate deploy` (from @shipgate/deploy); on a server, read only from its own config."],
]);

/** Sets a description at a dotted path, looking through the shorthand's `anyOf` to the object form. */
function describe(root: Node, path: string, text: string): void {
  let node: Node | undefined = root;
  for (const key of path.split(".")) {
    const object: Node | undefined = node?.anyOf?.find((option) => option.properties !== undefined) ?? node;
    node = object?.properties?.[key];
  }
  if (node !== undefined && node.description === undefined) node.description = text;
}

/**
 * Doc comments of the object keys under a top-level const, by dotted key path. Identifiers naming other
 * top-level consts of the same file (e.g. `verify: v.optional(Verify)`) are followed.
 */
function readDocs(file: string, root: string, prefix: string): Map<string, string> {
  const docs = new Map<string, string>();
  if (!existsSync(file)) return docs;
  const text = readFileSync(file, "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const consts = new Map<string, ts.Expression>();
  for (const statement of source.statements) {
    const list = ts.isVariableStatement(statement) ? statement.declarationList.declarations : [];
    for (const declaration of list)
      if (ts.isIdentifier(declaration.name) && declaration.initializer) consts.set(declaration.name.text, declaration.initializer);
  }
  const visit = (node: ts.Node, path: string, seen: ReadonlySet<string>): void => {
    if (ts.isPropertyAssignment(node) && (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name))) {
      const key = path === "" ? node.name.text : `${path}.${node.name.text}`;
      const comment = docComment(text, node.getFullStart());
      if (comment !== null) docs.set(key, comment);
      visit(node.initializer, key, seen);
      return;
    }
    if (ts.isIdentifier(node) && consts.has(node.text) && !seen.has(node.text) && /strictObject|object\(/.test(consts.get(node.text)?.getText() ?? "")) {
      visit(consts.get(node.text)!, path, new Set([...seen, node.text]));
      return;
    }
    node.forEachChild((child) => visit(child, path, seen));
  };
  const start = consts.get(root);
  if (start !== undefined) visit(start, prefix, new Set([root]));
  return docs;
}

function docComment(text: string, position: number): string | null {
  const ranges = ts.getLeadingCommentRanges(text, position) ?? [];
  const last = ranges.filter((range) => text.startsWith("/**", range.pos)).at(-1);
  if (last === undefined) return null;
  return text
    .slice(last.pos + 3, last.end - 2)
    .split("\n")
    .map((line) => line.replace(/^\s*\*\s?/, "").trim())
    .filter((line) => line !== "")
    .join(" ");
}
