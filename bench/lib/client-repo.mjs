/** The benchmarked repository for the client hooks: a generated JS/TS monorepo with eslint, prettier and both hook stacks configured. */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** Repository files shared by every configuration: tool configs for eslint, prettier, lint-staged, commitlint, husky and shipgate. */
export const CONFIG_FILES = {
  "package.json": `${JSON.stringify({ name: "bench-app", private: true, type: "module", scripts: { prepare: "husky" } }, null, 2)}\n`,
  // A bare `node_modules` (no slash) also ignores the symlink the bench puts there.
  ".gitignore": "node_modules\ndist/\ncoverage/\n",
  ".prettierrc.json": `${JSON.stringify({ printWidth: 100, trailingComma: "all" }, null, 2)}\n`,
  "eslint.config.js": [
    'import js from "@eslint/js";',
    'import { defineConfig } from "eslint/config";',
    'import tseslint from "typescript-eslint";',
    "",
    "export default defineConfig(",
    '  { ignores: ["dist/**", "coverage/**"] },',
    "  js.configs.recommended,",
    "  tseslint.configs.recommended,",
    "  {",
    "    rules: {",
    '      "no-var": "error",',
    '      "prefer-const": "error",',
    '      "object-shorthand": "error",',
    '      "prefer-template": "error",',
    '      curly: "error",',
    '      "prefer-arrow-callback": "error",',
    '      "arrow-body-style": ["error", "as-needed"],',
    "    },",
    "  },",
    ");",
    "",
  ].join("\n"),
  // lint-staged as its README shows it: eslint --fix then prettier --write on staged JS/TS.
  ".lintstagedrc.json": `${JSON.stringify({ "*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}": ["eslint --fix", "prettier --write"] }, null, 2)}\n`,
  "commitlint.config.js": 'export default { extends: ["@commitlint/config-conventional"] };\n',
  // husky 9 puts node_modules/.bin on PATH, so the local binaries run without an npx lookup.
  ".husky/pre-commit": "lint-staged\n",
  ".husky/commit-msg": 'commitlint --edit "$1"\n',
  ".shipgate.yml": ["policies:", "  commit-message: error", "  secrets: error", "  file-size: error", "  eslint: error", "  prettier: error", ""].join("\n"),
};

/** shipgate's config for the no-tool measurements: the policies that need no eslint/prettier. */
export const POLICY_ONLY_CONFIG = ["policies:", "  commit-message: error", "  secrets: error", "  file-size: error", ""].join("\n");

/** Writes `count` files (configs included) into `dir`; returns the JS/TS module paths in a stable order, TS and JS interleaved. */
export function writeRepoFiles(dir, count) {
  const write = (path, content) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  };
  for (const [path, content] of Object.entries(CONFIG_FILES)) write(path, content);
  const ts = [];
  const js = [];
  const packages = 40;
  const perPackage = Math.ceil((count - Object.keys(CONFIG_FILES).length) / packages);
  let written = Object.keys(CONFIG_FILES).length;
  for (let p = 0; p < packages && written < count; p++) {
    const pkg = `packages/pkg-${String(p).padStart(2, "0")}`;
    for (let i = 0; i < perPackage && written < count; i++, written++) {
      const id = p * perPackage + i;
      const [path, content] = sourceFile(pkg, i, id);
      write(path, content);
      if (path.endsWith(".ts") && !path.endsWith(".test.ts")) ts.push(path);
      if (path.endsWith(".js")) js.push(path);
    }
  }
  const modules = [];
  for (let i = 0; i < Math.max(ts.length, js.length); i++) modules.push(...[ts[i], js[i]].filter(Boolean));
  return spread(modules);
}

/**
 * The staged version of a module: its clean content plus an edit written in a hurry, which eslint --fix
 * (no-var, prefer-const, curly, prefer-template, object-shorthand, arrow callbacks) and prettier both
 * have to fix. The same edit every run, so every run does the same work.
 */
export function messyEdit(path, clean, id) {
  const typed = path.endsWith(".ts");
  const param = (name) => (typed ? `${name}: number` : name);
  return `${clean}
var limit${id} = 10
export function classify${id}(${param("value")},${param("factor")}) {
  var scaled = value*factor
  if (scaled > limit${id}) return "large: " + scaled
  return {value: value, scaled: scaled, kind: 'small'}
}
export const squares${id} = [1,2,3].map(function (x) { return x*x })
`;
}

/** Orders modules so that the first N are spread over packages rather than all in the first one. */
function spread(paths) {
  const stride = 97;
  const out = [];
  const seen = new Set();
  for (let start = 0; out.length < paths.length; start++) {
    for (let i = start; i < paths.length; i += stride) {
      if (!seen.has(i)) {
        seen.add(i);
        out.push(paths[i]);
      }
    }
  }
  return out;
}

/** One file of a realistic mix: 45% TS modules, 25% JS modules, 5% tests, 10% JSON, 10% Markdown, 5% CSS. */
function sourceFile(pkg, i, id) {
  const kind = i % 20;
  if (kind < 9) return [`${pkg}/src/${folder(i)}/module-${id}.ts`, tsModule(id)];
  if (kind < 14) return [`${pkg}/lib/${folder(i)}/helper-${id}.js`, jsModule(id)];
  if (kind === 14) return [`${pkg}/test/module-${id}.test.ts`, tsTest(id)];
  if (kind < 17)
    return [
      `${pkg}/data/fixture-${id}.json`,
      `${JSON.stringify({ id, name: `fixture ${id}`, tags: ["a", "b", String(id % 7)], values: [id, id * 2, id * 3] }, null, 2)}\n`,
    ];
  if (kind < 19)
    return [`${pkg}/docs/note-${id}.md`, `# Note ${id}\n\nThis page documents module ${id} of ${pkg}.\n\n- It totals prices.\n- It formats labels.\n`];
  return [`${pkg}/styles/view-${id}.css`, `.view-${id} {\n  display: flex;\n  margin: ${id % 16}px;\n}\n`];
}

function folder(i) {
  return ["core", "util", "api", "model", "view"][i % 5];
}

function tsModule(id) {
  const extra = Array.from(
    { length: id % 4 },
    (_, k) => `
export function scale${id}x${k}(items: Item${id}[], factor: number): Item${id}[] {
  return items.map((item) => ({ ...item, price: item.price * factor + ${k} }));
}
`,
  ).join("");
  return `/** Module ${id}: pricing helpers. */
export interface Item${id} {
  id: number;
  name: string;
  price: number;
}

export function total${id}(items: Item${id}[]): number {
  let sum = 0;
  for (const item of items) {
    if (item.price > 0) {
      sum += item.price;
    }
  }
  return sum;
}

export function label${id}(item: Item${id}): string {
  return \`\${item.name} (#\${item.id})\`;
}
${extra}`;
}

function jsModule(id) {
  const extra = Array.from(
    { length: id % 3 },
    (_, k) => `
export function pick${id}x${k}(record, keys) {
  return Object.fromEntries(keys.filter((key) => key in record).map((key) => [key, record[key]]));
}
`,
  ).join("");
  return `/** Helper ${id}: small collection utilities. */
export function groupBy${id}(items, keyOf) {
  const groups = new Map();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key) ?? [];
    group.push(item);
    groups.set(key, group);
  }
  return groups;
}

export const unique${id} = (values) => [...new Set(values)];
${extra}`;
}

function tsTest(id) {
  return `import { total${id} } from "../src/core/module-${id}";

export function checkTotal${id}(): boolean {
  return total${id}([{ id: 1, name: "a", price: 2 }]) === 2;
}
`;
}
