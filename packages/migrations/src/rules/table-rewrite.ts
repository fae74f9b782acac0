/** table-rewrite: volatile defaults, stored generated and serial columns, and wider integer types rewrite the whole table. */
import { messages } from "../messages.js";
import { as, calledFunctions, columnConstraints, formatType, names, relationName, str } from "../sql/nodes.js";
import { classifyTypeChange } from "../sql/type-change.js";
import { alterCommands, defineRule, typeChangeOf, type Hit } from "./rule.js";

/** Functions whose value is fixed per statement (stable or immutable): a default that calls only these is metadata-only. */
const STABLE = new Set([
  "now",
  "current_timestamp",
  "current_date",
  "current_time",
  "localtimestamp",
  "localtime",
  "transaction_timestamp",
  "statement_timestamp",
  "lower",
  "upper",
  "coalesce",
  "current_user",
  "session_user",
  "current_role",
  "to_jsonb",
  "jsonb_build_object",
  "json_build_object",
  "array",
]);
const SERIALS = new Set(["serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"]);

export const tableRewrite = defineRule({
  id: "table-rewrite",
  category: "locking",
  summary: "ADD COLUMN with a volatile default, a stored generated or serial/identity column, or a wider integer/char type",
  kinds: ["AT_AlterColumnType", "AT_AddColumn"],
  check({ statement, state }) {
    const table = relationName(statement.node["relation"]) ?? "?";
    if (state.isNew(table)) return [];
    return alterCommands(statement).flatMap((command): Hit[] => {
      const { subtype, cmd } = command;
      if (subtype === "AT_AlterColumnType") {
        const change = typeChangeOf(command, table, state);
        if (!change?.from || classifyTypeChange(change.from, change.to) !== "rewrite-widening") return [];
        const { column, from, to } = change;
        return [{ message: messages.widenRewrite(table, column, formatType(from), formatType(to)), fix: messages.rewriteFix }];
      }
      const def = subtype === "AT_AddColumn" ? as(cmd["def"], "ColumnDef") : null;
      if (!def) return [];
      const column = str(def["colname"]) ?? "?";
      const types = names((def["typeName"] as Record<string, unknown> | undefined)?.["names"]);
      const constraints = columnConstraints(def);
      if (SERIALS.has(types[types.length - 1] ?? "") || constraints.some((c) => c["contype"] === "CONSTR_IDENTITY")) {
        return [{ message: messages.serialColumn(table, column), fix: messages.rewriteFix }];
      }
      if (constraints.some((c) => c["contype"] === "CONSTR_GENERATED" && c["generated_kind"] === "s")) {
        return [{ message: messages.storedGenerated(table, column), fix: messages.rewriteFix }];
      }
      const defaults = constraints.filter((c) => c["contype"] === "CONSTR_DEFAULT");
      const volatile = defaults.flatMap((c) => calledFunctions(c["raw_expr"])).find((fn) => !STABLE.has(fn.toLowerCase()));
      return volatile === undefined ? [] : [{ message: messages.volatileDefault(table, column, volatile), fix: messages.rewriteFix }];
    });
  },
});
