/** set-not-null: old code may still write NULL, and the check scans the table under ACCESS EXCLUSIVE. */
import { messages } from "../messages.js";
import { relationName, str } from "../sql/nodes.js";
import { alterCommands, defineRule } from "./rule.js";

export const setNotNull = defineRule({
  id: "set-not-null",
  category: "breaking",
  summary: "ALTER COLUMN ... SET NOT NULL on an existing table without a CHECK (col IS NOT NULL) validated in an earlier release",
  kinds: ["AT_SetNotNull"],
  check({ statement, state }) {
    const table = relationName(statement.node["relation"]) ?? "?";
    if (state.isNew(table)) return [];
    return alterCommands(statement).flatMap(({ subtype, cmd }) => {
      if (subtype !== "AT_SetNotNull") return [];
      const column = str(cmd["name"]) ?? "?";
      const known = state.table(table)?.columns.get(column);
      // Safe only when the check was validated before this release: the previous release already writes no NULL.
      if (known?.notNull === true || known?.notNullChecked === "before") return [];
      return [{ message: messages.setNotNull(table, column), fix: messages.setNotNullFix }];
    });
  },
});
