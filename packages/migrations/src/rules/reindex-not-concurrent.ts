/** reindex-not-concurrent: REINDEX without CONCURRENTLY blocks writes to the table and reads that use the index. */
import { messages } from "../messages.js";
import { relationName, str, type Fields } from "../sql/nodes.js";
import { isConcurrent } from "./concurrently-in-transaction.js";
import { defineRule } from "./rule.js";

export const reindexNotConcurrent = defineRule({
  id: "reindex-not-concurrent",
  category: "locking",
  summary: "REINDEX without CONCURRENTLY of an index, table, schema or database that existed before this release",
  kinds: ["ReindexStmt"],
  check({ statement, state }) {
    if (isConcurrent(statement)) return [];
    const n = statement.node;
    const relation = n["relation"] as Fields | undefined;
    let what: string;
    switch (n["kind"]) {
      case "REINDEX_OBJECT_INDEX":
        if (state.isNew(state.indexes.get(str(relation?.["relname"]) ?? ""))) return [];
        what = `index ${relationName(relation) ?? "?"}`;
        break;
      case "REINDEX_OBJECT_TABLE":
        if (state.isNew(relationName(relation))) return [];
        what = `table ${relationName(relation) ?? "?"}`;
        break;
      case "REINDEX_OBJECT_SCHEMA":
        what = `schema ${str(n["name"]) ?? "?"}`;
        break;
      case "REINDEX_OBJECT_DATABASE":
        what = `database ${str(n["name"]) ?? "?"}`;
        break;
      default:
        what = "the system catalogs";
    }
    return [{ message: messages.reindex(what), fix: messages.reindexFix }];
  },
});
