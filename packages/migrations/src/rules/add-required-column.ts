/** add-required-column: a NOT NULL column without a default makes the previous release's INSERTs fail. */
import { messages } from "../messages.js";
import { as, columnConstraints, names, relationName, str } from "../sql/nodes.js";
import { alterCommands, defineRule } from "./rule.js";

const SERIALS = new Set(["serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"]);

export const addRequiredColumn = defineRule({
  id: "add-required-column",
  category: "breaking",
  summary: "ADD COLUMN ... NOT NULL without a DEFAULT on an existing table",
  kinds: ["AT_AddColumn"],
  check({ statement, state }) {
    const table = relationName(statement.node["relation"]) ?? "?";
    if (state.isNew(table)) return [];
    return alterCommands(statement).flatMap(({ subtype, cmd }) => {
      const def = subtype === "AT_AddColumn" ? as(cmd["def"], "ColumnDef") : null;
      if (!def) return [];
      const types = names((def["typeName"] as Record<string, unknown> | undefined)?.["names"]);
      if (SERIALS.has(types[types.length - 1] ?? "")) return [];
      const kinds = columnConstraints(def).map((c) => String(c["contype"]));
      const required = kinds.includes("CONSTR_NOTNULL") || kinds.includes("CONSTR_PRIMARY");
      const filled = kinds.some((k) => k === "CONSTR_DEFAULT" || k === "CONSTR_IDENTITY" || k === "CONSTR_GENERATED");
      return required && !filled ? [{ message: messages.addRequiredColumn(table, str(def["colname"]) ?? "?"), fix: messages.addRequiredColumnFix }] : [];
    });
  },
});
