/** narrow-column-type: values that fit the old type may not fit the new one (shorter varchar, smaller integer, fewer digits). */
import { messages } from "../messages.js";
import { formatType, relationName } from "../sql/nodes.js";
import { classifyTypeChange } from "../sql/type-change.js";
import { alterCommands, defineRule, typeChangeOf } from "./rule.js";

export const narrowColumnType = defineRule({
  id: "narrow-column-type",
  category: "breaking",
  summary: "ALTER COLUMN ... TYPE to a narrower type (varchar(50) -> varchar(20), int8 -> int4, numeric(10,2) -> numeric(6,2))",
  kinds: ["AT_AlterColumnType"],
  check({ statement, state }) {
    const table = relationName(statement.node["relation"]) ?? "?";
    if (state.isNew(table)) return [];
    return alterCommands(statement).flatMap((command) => {
      const change = typeChangeOf(command, table, state);
      if (!change?.from || classifyTypeChange(change.from, change.to) !== "narrowing") return [];
      const { column, from, to } = change;
      return [{ message: messages.narrowType(table, column, formatType(from), formatType(to)), fix: messages.narrowTypeFix }];
    });
  },
});
