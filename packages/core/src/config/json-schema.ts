/**
 * Builds schema.json from ConfigSchema for editors: valibot's own conversion, the `secrets: off` shorthand the
 * loader accepts, and descriptions taken from the doc comments in the schema sources, so they never drift apart.
 * Used by scripts/generate-schema.mjs and the drift test; not exported from the package (its imports are dev-only).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { toJsonSchema } from "@valibot/to-json-schema";
import ts from "typescript";
import { ConfigSchema, SEVERITIES } from "./schema.js";
import { STAGES } from "../change/types.js";
import { POLICIES } from "../policies/index.js";
import { EXTERNAL_POLICIES } from "../policies/external.js";

export const SCHEMA_ID = "https://unpkg.com/@shipgate/core/schema.json";
export const REGENERATE_COMMAND = "pnpm --filter @shipgate/core schema";

/** The part of a JSON Schema this module edits. */
interface Node {
  properties?: Record<string, Node>;
  anyOf?: Node[];
  description?: string;
  [key: string]: unknown;
}

/** The package root, from src/config or dist/config alike. */
const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export function buildConfigJsonSchema(): Record<string, unknown> {
  // `check` actions (valid regex, parsable size) have no JSON Schema form; the loader still enforces them.
  const converted = toJsonSchema(ConfigSchema, { typeMode: "input", errorMode: "ignore", ignoreActions: ["check"] }) as unknown as Node;
  const docs = readDocs(join(PACKAGE_ROOT, "src/config/schema.ts"), "ConfigSchema", "");
  const policies = converted.properties?.["policies"]?.properties ?? {};
  const external = new Set(EXTERNAL_POLICIES.map((policy) => policy.id));
  for (const policy of [...POLICIES, ...EXTERNAL_POLICIES.map((p) => ({ ...p, summary: `${p.summary}; needs ${p.package}` }))]) {
    const entry = policies[policy.id];
    if (entry === undefined) continue;
    entry.description = policy.summary;
    if (!external.has(policy.id))
      for (const [path, text] of readDocs(join(PACKAGE_ROOT, "src/policies", `${policy.id}.ts`), "options", "")) describe(entry, path, text);
    for (const [key, text] of COMMON_DOCS) describe(entry, key, text);
    policies[policy.id] = {
      description: `${policy.summary}. A severity alone (e.g. \`${policy.id}: off\`) is shorthand for { severity: ... }.`,
      anyOf: [{ type: "string", enum: [...SEVERITIES] }, { type: "null" }, entry],
    };
  }
  for (const [path, text] of [...docs, ...TOP_LEVEL_DOCS]) describe(converted, path, text);
  const { $schema, ...rest } = converted as Record<string, unknown>;
  return {
    $schema,
    $id: SCHEMA_ID,
    title: "shipgate configuration (.shipgate.yml)",
    description: `One policy for every gate: client hooks, the server's pre-receive hook, the CI gate and deploys. Generated from the config schema by \`${REGENERATE_COMMAND}\`; do not edit.`,
    ...rest,
  };
}

export function renderConfigJsonSchema(): string {
  return JSON.stringify(buildConfigJsonSchema(), null, 2) + "\n";
}

const COMMON_DOCS = new Map([
  ["severity", "off turns the policy off; error blocks the change; warn reports without blocking."],
  ["stages", `Where the policy runs, narrowing its default stages (${STAGES.join(", ")}).`],
]);

/** For keys whose source has no doc comment. */
const TOP_LEVEL_DOCS = new Map([
  ["$schema", "Path or URL of this JSON Schema, for editor completion and validation."],
  ["policies", "Policies by id; a policy that is not listed is off, unless a preset in `extends` turns it on."],
  ["server", "Settings for the server-side pre-receive check; read only from the server's own config file."],
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
 * top-level consts of the same file (e.g. `server: v.optional(ServerSection)`) are followed.
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
