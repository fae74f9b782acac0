/** rename-table: the previous release still uses the old name (unless a view keeps it alive). */
import { messages } from "../messages.js";
import { oldReadsTable } from "../queries.js";
import { as, relationName, str } from "../sql/nodes.js";
import { defineRule } from "./rule.js";

export const renameTable = defineRule({
  id: "rename-table",
  category: "breaking",
  summary: "ALTER TABLE ... RENAME TO on a table the previous release uses, without a view of the old name",
  kinds: ["RenameStmt"],
  check({ statement, state, file, oldReads }) {
    if (statement.kind !== "RenameStmt" || statement.node["renameType"] !== "OBJECT_TABLE") return [];
    const from = relationName(statement.node["relation"]) ?? "?";
    if (state.isNew(from) || !oldReadsTable(oldReads, from)) return [];
    // A view with the old name, created later in the same file, keeps reads of the old name working.
    const bare = from.split(".").pop();
    const keptByView = file.statements
      .slice(file.index + 1)
      .some((s) => s.kind === "ViewStmt" && str(as({ RangeVar: s.node["view"] }, "RangeVar")?.["relname"]) === bare);
    if (keptByView) return [];
    return [{ message: messages.renameTable(from, str(statement.node["newname"]) ?? "?"), fix: messages.renameTableFix }];
  },
});
