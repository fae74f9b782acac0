/** index-not-concurrent: CREATE/DROP INDEX without CONCURRENTLY blocks writes (allowed on tables this release creates). */
import { messages } from "../messages.js";
import { as, list, names, relationName } from "../sql/nodes.js";
import { defineRule } from "./rule.js";

export const indexNotConcurrent = defineRule({
  id: "index-not-concurrent",
  category: "locking",
  summary: "CREATE INDEX or DROP INDEX without CONCURRENTLY on a table that existed before this release",
  kinds: ["IndexStmt", "DropStmt"],
  check({ statement, state }) {
    const n = statement.node;
    if (statement.kind === "IndexStmt" && n["concurrent"] !== true) {
      const table = relationName(n["relation"]) ?? "?";
      return state.isNew(table) ? [] : [{ message: messages.createIndex(table), fix: messages.createIndexFix }];
    }
    if (statement.kind === "DropStmt" && n["removeType"] === "OBJECT_INDEX" && n["concurrent"] !== true) {
      return list(n["objects"]).flatMap((object) => {
        const parts = names(as(object, "List")?.["items"]);
        const index = parts[parts.length - 1] ?? "?";
        return state.isNew(state.indexes.get(index)) ? [] : [{ message: messages.dropIndex(parts.join(".")), fix: messages.dropIndexFix }];
      });
    }
    return [];
  },
});
