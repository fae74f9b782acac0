/** drop-column: the previous release still reads and writes the column; its data is gone. */
import { messages } from "../messages.js";
import { oldReadsColumn } from "../queries.js";
import { relationName, str } from "../sql/nodes.js";
import { alterCommands, defineRule } from "./rule.js";

export const dropColumn = defineRule({
  id: "drop-column",
  category: "breaking",
  summary: "ALTER TABLE ... DROP COLUMN on a table the previous release uses",
  kinds: ["AT_DropColumn"],
  check({ statement, state, oldReads }) {
    const table = relationName(statement.node["relation"]) ?? "?";
    if (state.isNew(table)) return [];
    return alterCommands(statement)
      .filter(({ subtype, cmd }) => subtype === "AT_DropColumn" && oldReadsColumn(oldReads, table, str(cmd["name"]) ?? ""))
      .map(({ cmd }) => {
        const column = str(cmd["name"]) ?? "?";
        return { message: messages.dropColumn(table, column, oldReads?.by.get(column)), fix: messages.dropColumnFix };
      });
  },
});
