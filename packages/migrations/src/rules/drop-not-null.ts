/** drop-not-null: the new release may write NULL into a column the previous release reads as never NULL. */
import { messages } from "../messages.js";
import { oldReadsColumn } from "../queries.js";
import { relationName, str } from "../sql/nodes.js";
import { alterCommands, defineRule } from "./rule.js";

export const dropNotNull = defineRule({
  id: "drop-not-null",
  category: "breaking",
  summary: "ALTER COLUMN ... DROP NOT NULL on a column the previous release uses",
  kinds: ["AT_DropNotNull"],
  check({ statement, state, oldReads }) {
    const table = relationName(statement.node["relation"]) ?? "?";
    if (state.isNew(table)) return [];
    return alterCommands(statement).flatMap(({ subtype, cmd }) => {
      if (subtype !== "AT_DropNotNull") return [];
      const column = str(cmd["name"]) ?? "?";
      const known = state.table(table)?.columns.get(column);
      // Already nullable, or new in this release: nothing the previous release reads changes.
      if (known?.notNull === false || known?.addedInRelease === true || !oldReadsColumn(oldReads, table, column)) return [];
      return [{ message: messages.dropNotNull(table, column, oldReads?.by.get(column)), fix: messages.dropNotNullFix }];
    });
  },
});
