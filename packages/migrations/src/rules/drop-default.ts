/** drop-default: the previous release inserts rows without the column and relies on the default. */
import { messages } from "../messages.js";
import { relationName, str } from "../sql/nodes.js";
import { alterCommands, defineRule } from "./rule.js";

export const dropDefault = defineRule({
  id: "drop-default",
  category: "breaking",
  summary: "ALTER COLUMN ... DROP DEFAULT on a NOT NULL column of an existing table",
  kinds: ["AT_ColumnDefault"],
  check({ statement, state }) {
    const table = relationName(statement.node["relation"]) ?? "?";
    if (state.isNew(table)) return [];
    return alterCommands(statement).flatMap(({ subtype, cmd }) => {
      if (subtype !== "AT_ColumnDefault" || cmd["def"] !== undefined) return [];
      const column = str(cmd["name"]) ?? "?";
      const known = state.table(table)?.columns.get(column);
      return known?.notNull === true && known.hasDefault ? [{ message: messages.dropDefault(table, column), fix: messages.dropDefaultFix }] : [];
    });
  },
});
