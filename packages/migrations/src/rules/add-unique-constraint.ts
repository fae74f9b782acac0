/** add-unique-constraint: UNIQUE or PRIMARY KEY builds its index while writes wait, unless it reuses a concurrently built one. */
import { messages } from "../messages.js";
import { as, columnConstraints, relationName } from "../sql/nodes.js";
import { alterCommands, defineRule } from "./rule.js";

const KINDS: Record<string, string> = { CONSTR_UNIQUE: "UNIQUE", CONSTR_PRIMARY: "PRIMARY KEY", CONSTR_EXCLUSION: "EXCLUDE" };

export const addUniqueConstraint = defineRule({
  id: "add-unique-constraint",
  category: "locking",
  summary: "ADD UNIQUE / PRIMARY KEY on an existing table without USING INDEX (an index built CONCURRENTLY)",
  kinds: ["AT_AddConstraint", "AT_AddColumn"],
  check({ statement, state }) {
    const table = relationName(statement.node["relation"]) ?? "?";
    if (state.isNew(table)) return [];
    return alterCommands(statement).flatMap(({ subtype, cmd }) => {
      const constraints =
        subtype === "AT_AddConstraint"
          ? [as(cmd["def"], "Constraint")]
          : subtype === "AT_AddColumn"
            ? columnConstraints(as(cmd["def"], "ColumnDef") ?? {})
            : [];
      return constraints.flatMap((c) => {
        const kind = c ? KINDS[String(c["contype"])] : undefined;
        if (!c || kind === undefined || typeof c["indexname"] === "string") return [];
        return [{ message: messages.addUnique(table, kind), fix: messages.addUniqueFix }];
      });
    });
  },
});
