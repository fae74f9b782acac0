/** rename-column: the previous release still uses the old name. */
import { messages } from "../messages.js";
import { oldReadsColumn } from "../queries.js";
import { relationName, str } from "../sql/nodes.js";
import { defineRule } from "./rule.js";

export const renameColumn = defineRule({
  id: "rename-column",
  category: "breaking",
  summary: "ALTER TABLE ... RENAME COLUMN on a table the previous release uses",
  kinds: ["RenameStmt"],
  check({ statement, state, oldReads }) {
    if (statement.kind !== "RenameStmt" || statement.node["renameType"] !== "OBJECT_COLUMN") return [];
    const table = relationName(statement.node["relation"]) ?? "?";
    const from = str(statement.node["subname"]) ?? "?";
    if (state.isNew(table) || !oldReadsColumn(oldReads, table, from)) return [];
    return [{ message: messages.renameColumn(table, from, str(statement.node["newname"]) ?? "?"), fix: messages.renameColumnFix }];
  },
});
