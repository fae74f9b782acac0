/** The contract of a migration rule: an id, a category that decides whether it blocks, and a check of one statement. */
import type { Migration } from "../layout/discover.js";
import type { Statement } from "../sql/parse.js";
import type { SchemaState } from "../state.js";
import { as, str, typeRef, type TypeRef } from "../sql/nodes.js";
import type { OldReads } from "../queries.js";

/**
 * `breaking`: the previous release, still running during the deploy and after a rollback, fails against the new schema.
 * `irreversible`: data is lost or the change cannot be rolled back.
 * `locking`: takes a lock or rewrites a table while traffic waits.
 */
export type Category = "breaking" | "irreversible" | "locking";

/** Breaking and irreversible findings block a release by default; locking ones warn. */
export const DEFAULT_SEVERITY: Record<Category, "error" | "warn"> = { breaking: "error", irreversible: "error", locking: "warn" };

export interface Hit {
  message: string;
  fix: string;
}

/** What a statement-level rule sees: the statement, the schema state before it, and the file so far. */
export interface StatementContext {
  statement: Statement;
  migration: Migration;
  state: SchemaState;
  file: FileState;
  /** What the previous release's declared queries read, or null when none are declared. */
  oldReads: OldReads | null;
}

export interface FileState {
  /** Statements of the file, in order, and the index of the one being checked. */
  statements: readonly Statement[];
  index: number;
  /** A `SET lock_timeout` ran earlier in the file. */
  lockTimeout: boolean;
  /** An explicit BEGIN is open. */
  inExplicitTransaction: boolean;
  /** Reported once per file. */
  lockTimeoutReported: boolean;
}

export interface Rule {
  id: string;
  category: Category;
  /** One line for `shipgate migrations rules` and the docs. */
  summary: string;
  /**
   * What the rule looks at: statement kinds (`DropStmt`, ...) or ALTER TABLE command subtypes (`AT_DropColumn`, ...).
   * It is only called for statements of those kinds and ALTER TABLE statements with such a command.
   */
  kinds: readonly string[];
  check(context: StatementContext): Hit[];
}

export function defineRule(rule: Rule): Rule {
  return rule;
}

export interface AlterCommand {
  subtype: string;
  cmd: Record<string, unknown>;
}

const NO_COMMANDS: readonly AlterCommand[] = [];
/** Most rules read the commands of an ALTER TABLE; they are listed once per statement. */
const commandsOf = new WeakMap<Statement, readonly AlterCommand[]>();

/** The commands of an ALTER TABLE statement (none for other statements). */
export function alterCommands(statement: Statement): readonly AlterCommand[] {
  if (statement.kind !== "AlterTableStmt") return NO_COMMANDS;
  let commands = commandsOf.get(statement);
  if (commands === undefined) {
    const cmds = statement.node["cmds"];
    commands = Array.isArray(cmds)
      ? cmds.flatMap((item: unknown) => {
          const cmd = (item as { AlterTableCmd?: Record<string, unknown> }).AlterTableCmd;
          return cmd ? [{ subtype: String(cmd["subtype"]), cmd }] : [];
        })
      : NO_COMMANDS;
    commandsOf.set(statement, commands);
  }
  return commands;
}

export interface TypeChange {
  column: string;
  /** The column's type before, when the migrations read so far declare it. */
  from: TypeRef | undefined;
  to: TypeRef;
}

/** What an `ALTER COLUMN ... TYPE` command of `table` changes, or null for any other command. */
export function typeChangeOf({ subtype, cmd }: AlterCommand, table: string, state: SchemaState): TypeChange | null {
  if (subtype !== "AT_AlterColumnType") return null;
  const to = typeRef(as(cmd["def"], "ColumnDef")?.["typeName"]);
  if (!to) return null;
  const column = str(cmd["name"]) ?? "?";
  return { column, from: state.table(table)?.columns.get(column)?.type, to };
}
