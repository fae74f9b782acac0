/** enum-value-change: renaming or removing enum values breaks every reader and writer of the old value. */
import { messages } from "../messages.js";
import { as, list, names, relationName, str } from "../sql/nodes.js";
import { defineRule } from "./rule.js";

export const enumValueChange = defineRule({
  id: "enum-value-change",
  category: "breaking",
  summary: "ALTER TYPE ... RENAME VALUE, DROP TYPE of an existing type, or DELETE FROM pg_enum",
  kinds: ["AlterEnumStmt", "DropStmt", "DeleteStmt"],
  check({ statement, state }) {
    const n = statement.node;
    if (statement.kind === "AlterEnumStmt" && typeof n["oldVal"] === "string") {
      return [{ message: messages.enumRename(names(n["typeName"]).join("."), n["oldVal"], str(n["newVal"]) ?? "?"), fix: messages.enumFix }];
    }
    if (statement.kind === "DropStmt" && n["removeType"] === "OBJECT_TYPE") {
      return list(n["objects"]).flatMap((object) => {
        const type = names(as(object, "TypeName")?.["names"]).join(".");
        return state.typesCreatedInRelease.has(type) ? [] : [{ message: messages.enumDrop(type), fix: messages.enumFix }];
      });
    }
    if (statement.kind === "DeleteStmt" && relationName(n["relation"])?.replace(/^pg_catalog\./, "") === "pg_enum") {
      return [{ message: messages.enumDelete, fix: messages.enumFix }];
    }
    return [];
  },
});
