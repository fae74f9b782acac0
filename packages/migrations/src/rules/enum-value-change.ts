/** enum-value-change: renaming or removing enum values breaks every reader and writer of the old value. */
import { messages } from "../messages.js";
import { as, list, names, relationName, str, objectName } from "../sql/nodes.js";
import { defineRule } from "./rule.js";

export const enumValueChange = defineRule({
  id: "enum-value-change",
  category: "breaking",
  summary: "ALTER TYPE ... RENAME VALUE, DROP TYPE of an existing type, or DELETE FROM pg_enum",
  kinds: ["AlterEnumStmt", "DropStmt", "DeleteStmt"],
  check({ statement, state }) {
    const n = statement.node;
    if (statement.kind === "AlterEnumStmt" && typeof n["oldVal"] === "string") {
      const type = objectName(names(n["typeName"]));
      if (state.typesCreatedInRelease.has(type)) return [];
      return [{ message: messages.enumRename(type, n["oldVal"], str(n["newVal"]) ?? "?"), fix: messages.enumFix }];
    }
    if (statement.kind === "DropStmt" && n["removeType"] === "OBJECT_TYPE") {
      return list(n["objects"]).flatMap((object) => {
        const type = objectName(names(as(object, "TypeName")?.["names"]));
        if (state.typesCreatedInRelease.has(type)) return [];
        // Renamed away by this release (its name now belongs to a new type): without CASCADE the drop only succeeds once
        // no column uses it, and the previous release never named it; moving the columns is the finding (change-column-type).
        if (state.typesRenamedInRelease.has(type) && n["behavior"] !== "DROP_CASCADE") return [];
        return [{ message: messages.enumDrop(type), fix: messages.enumFix }];
      });
    }
    if (statement.kind === "DeleteStmt" && relationName(n["relation"])?.replace(/^pg_catalog\./, "") === "pg_enum") {
      return [{ message: messages.enumDelete, fix: messages.enumFix }];
    }
    return [];
  },
});
