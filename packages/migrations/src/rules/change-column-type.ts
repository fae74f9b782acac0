/** change-column-type: the previous release reads and writes the old type; most changes rewrite the table. */
import { messages } from "../messages.js";
import { formatType, relationName } from "../sql/nodes.js";
import { classifyTypeChange } from "../sql/type-change.js";
import { alterCommands, defineRule, typeChangeOf } from "./rule.js";

export const changeColumnType = defineRule({
  id: "change-column-type",
  category: "breaking",
  summary: "ALTER COLUMN ... TYPE to a type that is not a binary-coercible widening",
  kinds: ["AT_AlterColumnType"],
  check({ statement, state }) {
    const table = relationName(statement.node["relation"]) ?? "?";
    if (state.isNew(table)) return [];
    return alterCommands(statement).flatMap((command) => {
      const change = typeChangeOf(command, table, state);
      if (!change) return [];
      const { column, from, to } = change;
      if (!from) return [{ message: messages.changeTypeUnknown(table, column, formatType(to)), fix: messages.changeTypeFix }];
      if (classifyTypeChange(from, to) !== "change") return [];
      const original = state.typesRenamedInRelease.get(from.name);
      const before = original === undefined ? formatType(from) : messages.renamedType(formatType(from), original);
      return [{ message: messages.changeType(table, column, before, formatType(to)), fix: messages.changeTypeFix }];
    });
  },
});
