/** missing-lock-timeout: a strong lock that waits behind a long query makes every later query on the table wait too. */
import { messages } from "../messages.js";
import type { Statement } from "../sql/parse.js";
import { as, list, names, relationName, objectName } from "../sql/nodes.js";
import type { SchemaState } from "../state.js";
import { isConcurrent } from "./concurrently-in-transaction.js";
import { defineRule } from "./rule.js";

/** Statements that take a strong lock on a table. */
const STRONG = ["AlterTableStmt", "RenameStmt", "DropStmt", "IndexStmt", "TruncateStmt", "AlterEnumStmt", "CreateTrigStmt", "ReindexStmt"];

export const missingLockTimeout = defineRule({
  id: "missing-lock-timeout",
  category: "locking",
  summary: "a statement that locks an existing table, in a file with no SET lock_timeout before it (reported once per file)",
  kinds: STRONG,
  check({ statement, state, file }) {
    if (file.lockTimeout || file.lockTimeoutReported || !locksExistingTable(statement, state)) return [];
    file.lockTimeoutReported = true;
    return [{ message: messages.lockTimeout, fix: messages.lockTimeoutFix }];
  },
});

function locksExistingTable(statement: Statement, state: SchemaState): boolean {
  if (isConcurrent(statement)) return false;
  const n = statement.node;
  if (statement.kind === "DropStmt") {
    const tables = list(n["objects"]).map((object) => {
      const parts = names(as(object, "List")?.["items"]);
      const name = objectName(parts);
      return n["removeType"] === "OBJECT_INDEX" ? state.indexes.get(parts[parts.length - 1] ?? name) : name;
    });
    return (n["removeType"] === "OBJECT_TABLE" || n["removeType"] === "OBJECT_INDEX") && tables.some((table) => !state.isNew(table));
  }
  // An enum the release created has no column of an older table yet.
  if (statement.kind === "AlterEnumStmt") return !state.typesCreatedInRelease.has(objectName(names(n["typeName"])));
  const table = relationName(n["relation"]);
  return table === undefined || !state.isNew(table);
}
