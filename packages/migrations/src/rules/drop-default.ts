/** drop-default: the previous release inserts rows without the column and relies on the default. */
import { messages } from "../messages.js";
import { relationName, str } from "../sql/nodes.js";
import { alterCommands, defineRule, type StatementContext } from "./rule.js";

export const dropDefault = defineRule({
  id: "drop-default",
  category: "breaking",
  summary: "ALTER COLUMN ... DROP DEFAULT on a NOT NULL column of an existing table",
  kinds: ["AT_ColumnDefault"],
  check(context) {
    const { statement, state } = context;
    const table = relationName(statement.node["relation"]) ?? "?";
    if (state.isNew(table)) return [];
    return alterCommands(statement).flatMap(({ subtype, cmd }) => {
      if (subtype !== "AT_ColumnDefault" || cmd["def"] !== undefined) return [];
      const column = str(cmd["name"]) ?? "?";
      const known = state.table(table)?.columns.get(column);
      if (known?.notNull !== true || !known.hasDefault || restoredInTransaction(context, table, column)) return [];
      return [{ message: messages.dropDefault(table, column), fix: messages.dropDefaultFix }];
    });
  },
});

const TRANSACTION_ENDS = new Set(["TRANS_STMT_COMMIT", "TRANS_STMT_ROLLBACK", "TRANS_STMT_PREPARE"]);

/**
 * Whether a later statement of the same transaction sets a default on the column again: no other session ever sees it
 * missing (Prisma drops and sets the default around an enum change).
 */
function restoredInTransaction({ migration, file }: StatementContext, table: string, column: string): boolean {
  if (migration.transaction === "none" && !file.inExplicitTransaction) return false;
  for (let i = file.index + 1; i < file.statements.length; i++) {
    const next = file.statements[i];
    if (next === undefined || (next.kind === "TransactionStmt" && TRANSACTION_ENDS.has(String(next.node["kind"])))) return false;
    if (next.kind !== "AlterTableStmt" || relationName(next.node["relation"]) !== table) continue;
    if (alterCommands(next).some(({ subtype, cmd }) => subtype === "AT_ColumnDefault" && cmd["def"] !== undefined && str(cmd["name"]) === column)) return true;
  }
  return false;
}
