/** truncate: the rows are gone; no application or database rollback brings them back. */
import { messages } from "../messages.js";
import { as, list, relationName } from "../sql/nodes.js";
import { defineRule } from "./rule.js";

export const truncate = defineRule({
  id: "truncate",
  category: "irreversible",
  summary: "TRUNCATE of a table that existed before this release",
  kinds: ["TruncateStmt"],
  check({ statement, state }) {
    if (statement.kind !== "TruncateStmt") return [];
    const tables = list(statement.node["relations"])
      .map((r) => relationName(as(r, "RangeVar")))
      .filter((t): t is string => t !== undefined && !state.isNew(t));
    return tables.length === 0 ? [] : [{ message: messages.truncate(tables.join(", ")), fix: messages.truncateFix }];
  },
});
