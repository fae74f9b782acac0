/** The registry of migration rules: statement rules in the order they run, plus the file-level checks of lint.ts. */
import type { Statement } from "../sql/parse.js";
import { alterCommands, type Category, type Rule } from "./rule.js";
import { dropColumn } from "./drop-column.js";
import { dropTable } from "./drop-table.js";
import { renameColumn } from "./rename-column.js";
import { renameTable } from "./rename-table.js";
import { addRequiredColumn } from "./add-required-column.js";
import { setNotNull } from "./set-not-null.js";
import { dropNotNull } from "./drop-not-null.js";
import { dropDefault } from "./drop-default.js";
import { changeColumnType } from "./change-column-type.js";
import { narrowColumnType } from "./narrow-column-type.js";
import { enumValueChange } from "./enum-value-change.js";
import { addUniqueConstraint } from "./add-unique-constraint.js";
import { indexNotConcurrent } from "./index-not-concurrent.js";
import { reindexNotConcurrent } from "./reindex-not-concurrent.js";
import { detachPartitionNotConcurrent } from "./detach-partition-not-concurrent.js";
import { concurrentlyInTransaction } from "./concurrently-in-transaction.js";
import { constraintNotValid } from "./constraint-not-valid.js";
import { tableRewrite } from "./table-rewrite.js";
import { missingLockTimeout } from "./missing-lock-timeout.js";
import { truncate } from "./truncate.js";
import { dropSchema } from "./drop-schema.js";

export const STATEMENT_RULES: readonly Rule[] = [
  dropColumn,
  dropTable,
  renameColumn,
  renameTable,
  addRequiredColumn,
  setNotNull,
  dropNotNull,
  dropDefault,
  changeColumnType,
  narrowColumnType,
  enumValueChange,
  addUniqueConstraint,
  indexNotConcurrent,
  reindexNotConcurrent,
  detachPartitionNotConcurrent,
  concurrentlyInTransaction,
  constraintNotValid,
  tableRewrite,
  missingLockTimeout,
  truncate,
  dropSchema,
];

/** Checks of whole files and of suppressions, run by lint.ts; listed so config and suppressions can name them. */
export const FILE_RULES: readonly { id: string; category: Category; summary: string }[] = [
  { id: "missing-down", category: "irreversible", summary: "a layout with down migrations has none for this migration" },
  { id: "empty-down", category: "irreversible", summary: "the down migration has no statements" },
  { id: "parse-error", category: "breaking", summary: "the migration does not parse as PostgreSQL 18" },
  {
    id: "invalid-encoding",
    category: "breaking",
    summary: "the migration's bytes are not UTF-8 (a Latin-1 byte, UTF-16, a NUL), which a UTF8 database refuses",
  },
  { id: "suppression", category: "breaking", summary: "a suppression without a reason, or naming an unknown rule" },
  { id: "unused-suppression", category: "locking", summary: "a suppression that suppresses nothing" },
];

export const RULE_IDS: ReadonlySet<string> = new Set([...STATEMENT_RULES.map((r) => r.id), ...FILE_RULES.map((r) => r.id)]);

const CATEGORIES = new Map<string, Category>([...STATEMENT_RULES, ...FILE_RULES].map((r) => [r.id, r.category]));

export function ruleCategory(id: string): Category {
  return CATEGORIES.get(id) ?? "breaking";
}

const BY_KIND = new Map<string, Rule[]>();
for (const rule of STATEMENT_RULES) for (const kind of rule.kinds) BY_KIND.set(kind, [...(BY_KIND.get(kind) ?? []), rule]);
const NO_RULES: readonly Rule[] = [];
/** The rules of ALTER TABLE statements, by their command subtypes: there are few combinations. */
const BY_COMMANDS = new Map<string, readonly Rule[]>();

/** The statement rules that look at `statement` (by its kind and, for ALTER TABLE, its commands), in STATEMENT_RULES order. */
export function rulesFor(statement: Statement): readonly Rule[] {
  const commands = alterCommands(statement);
  if (commands.length === 0) return BY_KIND.get(statement.kind) ?? NO_RULES;
  const subtypes = commands.map((c) => c.subtype);
  const key = subtypes.join(" ");
  let rules = BY_COMMANDS.get(key);
  if (rules === undefined) {
    const wanted = new Set([statement.kind, ...subtypes]);
    rules = STATEMENT_RULES.filter((rule) => rule.kinds.some((kind) => wanted.has(kind)));
    BY_COMMANDS.set(key, rules);
  }
  return rules;
}
