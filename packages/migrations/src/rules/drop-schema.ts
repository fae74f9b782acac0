/** drop-schema: DROP SCHEMA or DROP DATABASE removes everything inside at once. */
import { messages } from "../messages.js";
import { list, str } from "../sql/nodes.js";
import { defineRule } from "./rule.js";

export const dropSchema = defineRule({
  id: "drop-schema",
  category: "irreversible",
  summary: "DROP SCHEMA or DROP DATABASE",
  kinds: ["DropStmt", "DropdbStmt"],
  check({ statement }) {
    if (statement.kind === "DropdbStmt")
      return [{ message: messages.dropSchema(`database ${str(statement.node["dbname"]) ?? "?"}`), fix: messages.dropSchemaFix }];
    if (statement.kind !== "DropStmt" || statement.node["removeType"] !== "OBJECT_SCHEMA") return [];
    const schemas = list(statement.node["objects"]).map((o) => str((o as { String?: { sval?: string } }).String?.sval) ?? "?");
    return [{ message: messages.dropSchema(`schema ${schemas.join(", ")}`), fix: messages.dropSchemaFix }];
  },
});
