/** drop-table: the previous release still uses the table; its data is gone. */
import { messages } from "../messages.js";
import { oldReadsTable } from "../queries.js";
import { as, list, names, objectName } from "../sql/nodes.js";
import { defineRule } from "./rule.js";

export const dropTable = defineRule({
  id: "drop-table",
  category: "breaking",
  summary: "DROP TABLE on a table that existed before this release",
  kinds: ["DropStmt"],
  check({ statement, state, oldReads }) {
    if (statement.kind !== "DropStmt" || statement.node["removeType"] !== "OBJECT_TABLE") return [];
    return list(statement.node["objects"]).flatMap((object) => {
      const parts = names(as(object, "List")?.["items"]);
      const table = objectName(parts);
      if (state.isNew(table) || !oldReadsTable(oldReads, table)) return [];
      return [{ message: messages.dropTable(table, oldReads?.by.get(parts[parts.length - 1] ?? table)), fix: messages.dropTableFix }];
    });
  },
});
